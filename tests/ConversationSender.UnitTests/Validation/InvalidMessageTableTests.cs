using ConversationSender.Validation;

namespace ConversationSender.UnitTests.Validation;

/// <summary>
/// The validator alone over the shared table of invalid inputs: each is refused with an error under its JSON path and
/// no request to send. The HTTP trigger's pass over the same table (400, problem details) is an integration test.
/// </summary>
public sealed class InvalidMessageTableTests
{
    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        var cases = InvalidMessageTable.Cases().ToList();
        for (var i = 0; i < cases.Count; i++)
        {
            data.Add(i, cases[i].Path);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Is_refused_with_an_error_at_its_path(int index, string path)
    {
        var json = InvalidMessageTable.Cases().ElementAt(index).Json;

        var result = OutboundMessageValidator.Validate(BinaryData.FromString(json), out _);

        Assert.False(result.IsValid);
        Assert.Null(result.Request);
        Assert.True(result.Errors.Any(e => e.Field == path), $"expected an error at '{path}', got {string.Join("; ", result.Errors)}");
    }
}
