using System.Text.Json.Serialization;

namespace ConversationSender.Functions.Http;

/// <summary>The 200 body: Sinch's id for the message (null when Sinch gave none) and when Sinch took it.</summary>
public sealed record AcceptedResponse(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? MessageId, // null is said, not left out
    [property: JsonConverter(typeof(UtcMillisecondsConverter))] DateTimeOffset AcceptedTime);
