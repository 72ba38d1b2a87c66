namespace ConversationSender.Sandbox;

/// <summary>Bound from the <c>Sandbox</c> section (appsettings.json, environment, or <c>--Sandbox:Key value</c>).</summary>
public sealed class SandboxOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5180";

    public const string ConversationMode = "CONVERSATION";

    public const string DispatchMode = "DISPATCH";

    /// <summary>The access key the token endpoint and Basic auth accept.</summary>
    public string KeyId { get; set; } = "sandbox-key-id";

    public string KeySecret { get; set; } = "sandbox-key-secret";

    public int TokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>The project sends must name in their path (the sample settings' value); empty: any project.</summary>
    public string ProjectId { get; set; } = "sandbox-project";

    /// <summary>The Conversation app sends must name in <c>app_id</c> (the sample settings' value); empty: any app.</summary>
    public string AppId { get; set; } = "01SANDBOXAPP00000000000001";

    /// <summary>
    /// The app's processing mode (API reference §3.2): CONVERSATION keeps contacts, so a send may name a
    /// <c>contact_id</c>; DISPATCH has none and refuses one with 400 (documented). Sinch's new apps are DISPATCH since
    /// 2025-04-16; the sandbox stays CONVERSATION so that contact examples work: set DISPATCH to act as a new app.
    /// </summary>
    public string ProcessingMode { get; set; } = ConversationMode;

    /// <summary>
    /// List only the messages of the source asked for (<c>messages_source</c>, default CONVERSATION_SOURCE) that matches
    /// the app's mode when the message was taken. A guess: Sinch does not document whether a CONVERSATION app's messages
    /// are hidden from DISPATCH_SOURCE (API reference §8.1, UNCONFIRMED); off by default: every source lists every message.
    /// </summary>
    public bool ListBySource { get; set; }

    /// <summary>Outer choices a carousel may have: 3 as Sinch documents (API reference §6).</summary>
    public int MaxCarouselChoices { get; set; } = 3;

    /// <summary>
    /// Refuse <c>channel_properties</c> keys that are no ChannelPropertyKey. A guess: Sinch documents the keys but not
    /// whether an unknown one is refused, and the SDKs treat the list as open; off by default.
    /// </summary>
    public bool RefuseUnknownChannelPropertyKeys { get; set; }

    /// <summary>
    /// Refuse a <c>channel_specific_message</c> whose message type belongs to another channel (FLOWS for MESSENGER).
    /// A guess: undocumented whether Sinch refuses it at once or fails it later; on by default.
    /// </summary>
    public bool CheckChannelSpecificMessageTypes { get; set; } = true;

    /// <summary>Receives delivery reports for sends without a <c>callback_url</c>; empty: none.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>HMAC secret that signs delivery reports (Sinch's x-sinch-webhook-signature scheme).</summary>
    public string WebhookSecret { get; set; } = "sandbox-webhook-secret";

    /// <summary>
    /// A recipient's reply that is one of these (whole message, any case) shows the identity as opted out on the page,
    /// as Sinch's consent management would record it: Sinch's documented defaults.
    /// </summary>
    public string OptOutKeywords { get; set; } = "STOP,UNSUBSCRIBE,DETENER,SALIR,PARAR,CANCELAR";

    /// <summary>A reply that is one of these shows the identity as opted in again (Sinch's defaults).</summary>
    public string OptInKeywords { get; set; } = "START,SUBSCRIBE,VOLVER,RECIBIR,VOLTAR,RECEBER";

    /// <summary>Identities matching this regular expression get a FAILED report instead of DELIVERED.</summary>
    public string FailingIdentityPattern { get; set; } = "0000$";

    /// <summary>Pause between the QUEUED_ON_CHANNEL report and the final one.</summary>
    public TimeSpan DeliveryReportDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long after acceptance a message shows in the message list (Sinch lists with a delay).</summary>
    public TimeSpan ListingDelay { get; set; } = TimeSpan.Zero;

    /// <summary>ASP.NET's per-request information lines too (four a request); off: warnings and the sandbox's own lines.</summary>
    public bool VerboseLogging { get; set; }

    /// <summary>Captured sends kept for the page; the oldest go first.</summary>
    public int MaxCaptured { get; set; } = 1000;
}
