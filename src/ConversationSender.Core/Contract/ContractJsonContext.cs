using System.Text.Json.Serialization;

namespace ConversationSender.Contract;

/// <summary>The message contract, in the same snake_case as Sinch's wire format.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OutboundMessage))]
public sealed partial class ContractJsonContext : JsonSerializerContext;
