using System.Text.Json.Serialization;

namespace ConversationSender.Functions.Http;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(AcceptedResponse))]
[JsonSerializable(typeof(ProblemDocument))]
[JsonSerializable(typeof(QueuedResponse))]
[JsonSerializable(typeof(CancelResponse))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(ReplayResponse))]
[JsonSerializable(typeof(ReplayRequestBody))]
[JsonSerializable(typeof(ConversationSender.Tracking.MessageStatus))]
[JsonSerializable(typeof(OptOutRequestBody))]
[JsonSerializable(typeof(OptOutImportBody))]
[JsonSerializable(typeof(OptOutRecordResponse))]
[JsonSerializable(typeof(OptOutChangeResponse))]
[JsonSerializable(typeof(OptOutImportResponse))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
