using System.Text.Json.Serialization;
using ConversationSender.Queueing;

namespace ConversationSender.Contract;

/// <summary>The product's own documents, in the same snake_case as Sinch's wire format.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OutboundMessage))]
[JsonSerializable(typeof(DeadLetterEntry))]
public sealed partial class ContractJsonContext : JsonSerializerContext;
