using System.Text.Json.Serialization;

namespace ConversationSender.Queueing;

/// <summary>The dead-letter entry and the retry envelope, in the same snake_case as the message contract and Sinch's wire format.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeadLetterEntry))]
[JsonSerializable(typeof(RetryEnvelope))]
public sealed partial class QueueingJsonContext : JsonSerializerContext;
