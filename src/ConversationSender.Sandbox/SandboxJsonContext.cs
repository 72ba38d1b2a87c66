using System.Text.Json.Serialization;

namespace ConversationSender.Sandbox;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(IReadOnlyList<CapturedMessage>))]
[JsonSerializable(typeof(CapturedMessage))]
[JsonSerializable(typeof(FaultSwitch))]
[JsonSerializable(typeof(InboundReply))]
[JsonSerializable(typeof(KeyRotation))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class SandboxJsonContext : JsonSerializerContext;
