using System.Text.Json.Serialization;

namespace ConversationSender.Sandbox;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(IReadOnlyList<CapturedMessage>))]
[JsonSerializable(typeof(CapturedMessage))]
[JsonSerializable(typeof(ConsentEvent))]
[JsonSerializable(typeof(IReadOnlyList<ConsentState>))]
[JsonSerializable(typeof(FaultSwitch))]
[JsonSerializable(typeof(InboundReply))]
[JsonSerializable(typeof(KeyRotation))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(PageSnapshot))]
internal sealed partial class SandboxJsonContext : JsonSerializerContext;
