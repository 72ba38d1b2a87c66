using System.Text;
using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;
using ConversationSender.Validation;
using Xunit.Abstractions;

namespace ConversationSender.IntegrationTests.Validation;

/// <summary>
/// Input built to hurt, through the HTTP triggers: bodies that would produce an error per byte, JSON as Windows tools
/// write it. Every answer is a 4xx (or a success where the input is valid), bounded in size. The validator's own share
/// is in the unit tests (<c>HostileValueTests</c>).
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output) : SandboxedSenderTest
{
    /// <summary>What a queue message (and so a dead-letter entry or an answer we consider small) may hold.</summary>
    private const int QueueMessageLimit = 64 * 1024;

    /// <summary>Bodies that would produce one error per item or per field: the answer stays small and says how many were left out.</summary>
    public static TheoryData<string, string> ErrorFloods()
    {
        var unknownFields = string.Join(", ", Enumerable.Range(0, 12_000).Select(i => $"\"f{i}\": 1"));
        var badChannels = string.Join(", ", Enumerable.Range(0, 20_000).Select(_ => "\"x\""));
        var identities = string.Join(", ", Enumerable.Range(0, 5_000).Select(_ => """{ "channel": "SMSS", "identity": "" }"""));
        var longNames = string.Join(", ", Enumerable.Range(0, 20).Select(i => $"\"{new string((char)('a' + i), 10_000)}\": 1"));
        var properties = string.Join(", ", Enumerable.Range(0, 5_000).Select(i => $"\"P{i}\": \"{new string('v', 30)}\""));
        return new TheoryData<string, string>
        {
            { "12,000 unknown fields", $$"""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "hi", {{unknownFields}} }""" },
            { "20,000 unknown channels in channel_priority_order", $$"""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "hi", "channel_priority_order": [{{badChannels}}] }""" },
            { "5,000 bad channel identities", $$"""{ "recipient": { "identified_by": { "channel_identities": [{{identities}}] } }, "message": { "text_message": { "text": "hi" } } }""" },
            { "unknown fields with 10,000-character names", $$"""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "hi", {{longNames}} }""" },
            { "5,000 channel properties, one of the wrong type", $$"""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "hi", "channel_properties": { {{properties}}, "SMS_FLASH": 1 } }""" },
        };
    }

    [Theory]
    [MemberData(nameof(ErrorFloods))]
    public async Task A_flood_of_errors_gets_a_bounded_answer(string what, string json)
    {
        Assert.True(Encoding.UTF8.GetByteCount(json) <= 256 * 1024, $"{what}: the body must fit the send route");

        var answer = await SendAsync(json);

        output.WriteLine($"{what}: {json.Length} bytes in, {answer.Body.Length} bytes of answer");
        Assert.Equal(400, answer.Status);
        Assert.True(Encoding.UTF8.GetByteCount(answer.Body) < 8 * 1024 || what.StartsWith("unknown fields with", StringComparison.Ordinal) && answer.Body.Length < QueueMessageLimit,
            $"{what}: {answer.Body.Length} bytes of answer");
        var listed = answer.Json.GetProperty("errors").EnumerateObject().Sum(p => p.Value.GetArrayLength());
        Assert.InRange(listed, 1, FieldErrors.MaxListed + 1);
        Assert.True(Occurrences(answer.Body, "WHATSAPP") <= 1, $"{what}: the channel list is repeated");
        Assert.Empty(Sinch.Requests);
    }

    [Fact]
    public async Task A_four_megabyte_batch_of_bad_messages_gets_an_answer_under_64_KiB()
    {
        // 100 messages, each as bad as a 40 KiB message can be: every error kind at once.
        var badChannels = string.Join(", ", Enumerable.Range(0, 1_000).Select(_ => "\"SMSS\""));
        var unknownFields = string.Join(", ", Enumerable.Range(0, 800).Select(i => $"\"{new string('f', 30)}{i}\": 1"));
        var item = $$"""{ "to": { "channel": "SMSS", "identity": "" }, "text": "", "channel_priority_order": [{{badChannels}}], {{unknownFields}}, "ttl": "x" }""";
        var batch = $$"""{ "messages": [{{string.Join(", ", Enumerable.Repeat(item, 100))}}] }""";
        Assert.InRange(Encoding.UTF8.GetByteCount(batch), 3 * 1024 * 1024, 4 * 1024 * 1024);

        var context = HttpInvoker.Request(Host, batch);
        var answer = await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<SendMessageBatchFunction>().RunAsync(context.Request, CancellationToken.None));

        Assert.Equal(400, answer.Status);
        Assert.True(Encoding.UTF8.GetByteCount(answer.Body) < QueueMessageLimit, $"{answer.Body.Length} bytes of answer");
        Assert.Equal(100, answer.Json.GetProperty("invalid").GetInt32());
        Assert.True(Occurrences(answer.Body, "WHATSAPP") <= 1, "the channel list is repeated");
        output.WriteLine($"4 MiB batch: {batch.Length} bytes in, {answer.Body.Length} bytes of answer");
        Assert.Contains("a batch answer lists at most 200", answer.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/json;charset=\"utf-8\"")]
    [InlineData("application/json; charset=utf8")]
    [InlineData("application/vnd.order+json")]
    public async Task Json_with_a_byte_order_mark_and_any_utf8_spelling_is_accepted(string contentType)
    {
        var answer = await SendAsync("\uFEFF" + """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""", contentType);

        Assert.Equal(200, answer.Status);
        Assert.Single(Sinch.SendRequests);
    }

    [Theory]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=utf-16")]
    public async Task Another_charset_is_refused_with_a_hint(string contentType)
    {
        var answer = await SendAsync("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "hi" }""", contentType);

        Assert.Equal(415, answer.Status);
        Assert.Contains("UTF-8", answer.Json.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Empty(Sinch.Requests);
    }

    private async Task<HttpAnswer> SendAsync(string json, string contentType = "application/json")
    {
        var context = HttpInvoker.Request(Host, json, contentType: contentType);
        return await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None));
    }

    private static int Occurrences(string text, string part) => text.Split(part).Length - 1;
}
