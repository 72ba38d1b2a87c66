namespace ConversationSender.IntegrationTests;

/// <summary>Assertions that cannot pass vacuously.</summary>
internal static class Expect
{
    /// <summary><c>Assert.All</c> over a collection that must not be empty: "all of none" proves nothing.</summary>
    public static void All<T>(IEnumerable<T> items, Action<T> check)
    {
        var list = items.ToList();
        Assert.NotEmpty(list);
        Assert.All(list, check);
    }
}
