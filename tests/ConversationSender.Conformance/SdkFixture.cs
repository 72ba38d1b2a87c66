using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConversationSender.Conformance;

/// <summary>One <c>messages:send</c> body from the tests of Sinch's SDKs, with whether Sinch's reference accepts it.</summary>
public sealed record SdkFixture(string Id, string Kind, bool SinchValid, string Note, JsonObject Body)
{
    public static IReadOnlyList<SdkFixture> Load(string path)
    {
        var list = JsonNode.Parse(File.ReadAllText(path))?.AsArray()
            ?? throw new InvalidDataException($"{path} is not a JSON array of fixtures.");
        return [.. list.Select(item => new SdkFixture(
            (string)item!["id"]!,
            (string?)item["kind"] ?? "",
            (bool)item["sinch_valid"]!,
            (string?)item["note"] ?? "",
            item["body"]!.AsObject().DeepClone().AsObject()))];
    }

    /// <summary>
    /// The body as the SDK puts it on the wire for the given app: the fixture's own app id replaced, and a <c>ttl</c>
    /// written as a number of seconds sent as Sinch's duration string (every SDK appends the <c>s</c>: API reference §3.1).
    /// </summary>
    public JsonObject BodyFor(string appId)
    {
        var body = Body.DeepClone().AsObject();
        body["app_id"] = appId;
        if (body["ttl"] is JsonValue ttl && ttl.GetValueKind() == JsonValueKind.Number)
        {
            body["ttl"] = ttl.ToJsonString() + "s";
        }

        return body;
    }

    /// <summary>The body as a caller gives it to our API: Sinch's, without <c>app_id</c> (the service fills it in).</summary>
    public string ProductBody()
    {
        var body = Body.DeepClone().AsObject();
        body.Remove("app_id");
        return body.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
