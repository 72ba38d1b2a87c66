using System.Text.Json.Serialization;

namespace ConversationSender.Functions.Http;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AcceptedResponse))]
[JsonSerializable(typeof(ProblemDocument))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
