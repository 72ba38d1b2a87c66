namespace ConversationSender.Sandbox;

/// <summary>
/// A request to emit Sinch's OPT_OUT / OPT_IN callback (page form or <c>POST /api/consent-event</c>): what Sinch sends
/// when its consent management, a channel (a Telegram "Stop bot", a WhatsApp block) or its opt-in API changes a
/// contact's consent.
/// </summary>
public sealed class ConsentEvent
{
    public static readonly IReadOnlyList<string> Kinds = ["OPT_OUT", "OPT_IN"];

    public string Channel { get; set; } = "SMS";

    public string Identity { get; set; } = "";

    /// <summary><c>OPT_OUT</c> (an <c>opt_out_notification</c>) or <c>OPT_IN</c> (an <c>opt_in_notification</c>).</summary>
    public string Kind { get; set; } = "OPT_OUT";

    /// <summary>Default <c>{Kind}_SUCCEEDED</c>; <c>{Kind}_FAILED</c> to see that a failed one changes nothing.</summary>
    public string? Status { get; set; }

    /// <summary>Default: a new ULID, as Sinch generates one; send the same one twice to emulate a redelivery.</summary>
    public string? RequestId { get; set; }

    /// <returns>Why the request cannot be emitted, or null.</returns>
    public string? Problem()
    {
        if (!Kinds.Contains(Kind))
        {
            return "kind must be OPT_OUT or OPT_IN";
        }

        if (string.IsNullOrWhiteSpace(Identity) || !StageOneValidator.Channels.Contains(Channel))
        {
            return $"identity is required and channel must be one of {string.Join(", ", StageOneValidator.Channels)}";
        }

        return Status is null || Status == Kind + "_SUCCEEDED" || Status == Kind + "_FAILED" ? null : $"status must be {Kind}_SUCCEEDED or {Kind}_FAILED";
    }
}
