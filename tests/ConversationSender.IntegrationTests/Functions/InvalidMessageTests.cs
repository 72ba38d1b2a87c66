using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Functions;

/// <summary>Every invalid input answers 400 with an error under its JSON path, and Sinch is never called.</summary>
public sealed class InvalidMessageTests : SandboxedSenderTest
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
    public async Task Answers_400_naming_the_path(int index, string path)
    {
        var json = InvalidMessageTable.Cases().ElementAt(index).Json;
        var context = HttpInvoker.Request(Host, json);
        var answer = await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None));

        Assert.Equal(400, answer.Status);
        var errors = answer.Json.GetProperty("errors");
        Assert.True(errors.TryGetProperty(path, out _), $"expected an error at '{path}', got {errors}");
        Assert.Empty(Sinch.Requests);
    }
}
