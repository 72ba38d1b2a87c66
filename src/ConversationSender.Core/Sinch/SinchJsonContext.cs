using System.Text.Json.Serialization;

namespace ConversationSender.Sinch;

/// <summary>Sinch's wire format: snake_case, nulls omitted (as Sinch's own SDKs send it).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(SendMessageResponse))]
[JsonSerializable(typeof(SinchErrorEnvelope))]
[JsonSerializable(typeof(SinchError))]
[JsonSerializable(typeof(OAuthTokenResponse))]
[JsonSerializable(typeof(ListMessagesResponse))]
public sealed partial class SinchJsonContext : JsonSerializerContext;
