using ConversationSender.Testing;

namespace ConversationSender.IntegrationTests.Repository;

/// <summary>
/// Triggers stay thin (issue 30): a trigger translates its input and hands the result to <c>Http/</c>, which builds
/// every problem answer. Read from the source files, so a trigger that grows its own mapping fails here.
/// </summary>
public sealed class TriggerShapeTests
{
    public const int MaxTriggerLines = 30;

    public static TheoryData<string> Triggers()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepositoryRoot.File("src", "ConversationSender.Functions"), "*Function.cs").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Triggers))]
    public void A_trigger_is_short_and_builds_no_problem_document_itself(string fileName)
    {
        var lines = File.ReadAllLines(RepositoryRoot.File("src", "ConversationSender.Functions", fileName));

        Assert.InRange(lines.Length, 1, MaxTriggerLines);
        Assert.DoesNotContain(lines, line => line.Contains("ProblemDocument", StringComparison.Ordinal));
    }
}
