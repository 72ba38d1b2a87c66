using System.Text.Json.Serialization;

namespace ConversationSender.Contract;

/// <summary>
/// The message contract, in the same snake_case as Sinch's wire format. A field the contract does not know is refused
/// (the recipient's included), except at the top level, where <see cref="OutboundMessage.UnknownFields"/> collects them
/// so that all are reported at once; <c>message</c>'s own fields pass through to Sinch.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(OutboundMessage))]
public sealed partial class ContractJsonContext : JsonSerializerContext;
