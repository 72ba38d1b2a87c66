using System.Text.Json;
using System.Text.Json.Nodes;
using ConversationSender.Consent;
using ConversationSender.Sending;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.Callbacks;

/// <summary>
/// Opt-outs and opt-ins from Sinch's callbacks: an inbound text that is a keyword (MESSAGE_INBOUND), and Sinch's own
/// OPT_OUT / OPT_IN notifications (only …_SUCCEEDED). Each is applied to the suppression list once per event (inbound
/// message id / request_id) and confirmed once: the reply's idempotency key is derived from the event, so a
/// redelivered callback finds the reply already sent. Storage failures propagate: the callback is answered 503 and
/// Sinch delivers it again.
/// </summary>
public sealed partial class ConsentCallbackHandler(
    KeywordRecognizer keywords,
    SuppressionList suppressions,
    SendService sender,
    IOptions<ConsentOptions> options,
    TimeProvider time,
    ILogger<ConsentCallbackHandler> logger)
{
    public const string OptOutTrigger = "OPT_OUT";
    public const string OptInTrigger = "OPT_IN";
    public const string InboundTrigger = "MESSAGE_INBOUND";

    public bool Handles(string trigger) =>
        suppressions.Enabled && trigger is InboundTrigger or OptOutTrigger or OptInTrigger;

    /// <returns>What was done; null for an inbound message that is no keyword (an ordinary message).</returns>
    public Task<ConsentHandling?> HandleAsync(JsonElement payload, string trigger, CancellationToken cancellationToken) =>
        trigger == InboundTrigger ? InboundAsync(payload, cancellationToken) : SinchEventAsync(payload, trigger, cancellationToken);

    /// <summary>The reply's idempotency key: one per event, whichever instance or delivery handles it.</summary>
    public static string ReplyKey(string eventId) => "consent-reply:" + ConsentSubject.Hash(eventId);

    private async Task<ConsentHandling?> InboundAsync(JsonElement message, CancellationToken cancellationToken)
    {
        var text = message.TryGetProperty("contact_message", out var content) && content.ValueKind == JsonValueKind.Object
            && content.TryGetProperty("text_message", out var textMessage) && textMessage.ValueKind == JsonValueKind.Object
            ? Read(textMessage, "text")
            : null;
        if (keywords.Recognize(text) is not { } match)
        {
            return null;
        }

        var identity = message.TryGetProperty("channel_identity", out var ci) && ci.ValueKind == JsonValueKind.Object ? ci : default;
        var channel = Read(identity, "channel");
        var address = Read(identity, "identity");
        var messageId = Read(message, "id");
        var keyword = match.Action switch { KeywordAction.OptOut => "opt_out", KeywordAction.OptIn => "opt_in", _ => "help" };
        if (channel is null || address is null || messageId is null)
        {
            LogUnusableKeyword(logger, keyword);
            return new ConsentHandling(keyword, match.Category, "ignored", "none");
        }

        if (match.Action == KeywordAction.Help)
        {
            // HELP changes nothing; its reply is idempotent on the message all the same.
            var help = options.Value.SendConfirmations ? await ReplyAsync(channel, address, options.Value.Reply(match.Language, KeywordAction.Help), messageId, cancellationToken) : "off";
            return new ConsentHandling(keyword, match.Category, "help", help);
        }

        var action = match.Action == KeywordAction.OptOut ? ConsentAction.OptOut : ConsentAction.OptIn;
        var change = new ConsentChange(action, match.Category, ConsentSource.Keyword, time.GetUtcNow(), messageId, channel);
        var applied = await ApplyAsync(Subjects(channel, address, Read(message, "contact_id")), change, cancellationToken);
        var reply = !applied.Changed ? "none"
            : !options.Value.SendConfirmations ? "off"
            : await ReplyAsync(channel, address, options.Value.Reply(match.Language, match.Action), messageId, cancellationToken);
        return new ConsentHandling(keyword, match.Category, Result(action, applied), reply);
    }

    private async Task<ConsentHandling?> SinchEventAsync(JsonElement notification, string trigger, CancellationToken cancellationToken)
    {
        var action = trigger == OptOutTrigger ? ConsentAction.OptOut : ConsentAction.OptIn;
        var keyword = action == ConsentAction.OptOut ? "opt_out" : "opt_in";
        var status = Read(notification, "status");
        var channel = Read(notification, "channel");
        var address = Read(notification, "identity");
        var contactId = Read(notification, "contact_id");
        var requestId = Read(notification, "request_id");
        if (status != trigger + "_SUCCEEDED" || (address is null && contactId is null) || (address is not null && channel is null))
        {
            LogSinchEventIgnored(logger, trigger, status);
            return new ConsentHandling(keyword, ConsentCategory.All, "ignored", "none");
        }

        var change = new ConsentChange(action, ConsentCategory.All, ConsentSource.SinchEvent, time.GetUtcNow(), requestId, channel);
        var applied = await ApplyAsync(Subjects(channel, address, contactId), change, cancellationToken);
        var reply = !applied.Changed || address is null || channel is null || requestId is null ? "none"
            : !(options.Value.SendConfirmations && options.Value.ConfirmSinchEvents) ? "off"
            : await ReplyAsync(channel, address, options.Value.Reply(options.Value.DefaultLanguage, action == ConsentAction.OptOut ? KeywordAction.OptOut : KeywordAction.OptIn), requestId, cancellationToken);
        return new ConsentHandling(keyword, ConsentCategory.All, Result(action, applied), reply);
    }

    private IEnumerable<ConsentSubject> Subjects(string? channel, string? address, string? contactId)
    {
        if (channel is not null && address is not null)
        {
            yield return ConsentSubject.For(channel, address, options.Value);
        }

        if (!string.IsNullOrWhiteSpace(contactId))
        {
            yield return ConsentSubject.Contact(contactId);
        }
    }

    // The identity and the contact each record the change; it counts as a change when either changed.
    private async Task<ConsentApplyResult> ApplyAsync(IEnumerable<ConsentSubject> subjects, ConsentChange change, CancellationToken cancellationToken)
    {
        bool changed = false, duplicate = true;
        foreach (var subject in subjects)
        {
            var result = await suppressions.ApplyAsync(subject, change, cancellationToken);
            changed |= result.Changed;
            duplicate &= result.Duplicate;
            LogApplied(logger, change.Action, change.Category, change.Source, subject, result.Changed, result.Duplicate);
        }

        return new ConsentApplyResult(changed, duplicate);
    }

    private static string Result(ConsentAction action, ConsentApplyResult applied) => (action, applied) switch
    {
        (_, { Duplicate: true }) => "duplicate",
        (ConsentAction.OptOut, { Changed: true }) => "opted_out",
        (ConsentAction.OptOut, _) => "already_opted_out",
        (_, { Changed: true }) => "opted_in",
        _ => "was_not_opted_out",
    };

    // Sent past the suppression it confirms, under a key derived from the event: a second delivery gets the first's result.
    private async Task<string> ReplyAsync(string channel, string address, string? text, string eventId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "none";
        }

        var body = new JsonObject
        {
            ["to"] = new JsonObject { ["channel"] = channel, ["identity"] = address },
            ["text"] = text,
        };
        var outcome = await sender.SendAsync(BinaryData.FromString(body.ToJsonString()), ReplyKey(eventId), fallbackKey: null, cancellationToken, SendOrigin.ConsentReply);
        switch (outcome)
        {
            case SendOutcome.Accepted { Replayed: true }:
                return "already_sent";
            case SendOutcome.Accepted:
                return "sent";
            case SendOutcome.Transient or SendOutcome.Unconfirmed or SendOutcome.InProgress:
                throw new ConsentReplyUnavailableException($"The reply could not be sent now ({outcome.GetType().Name}).");
            default:
                LogReplyNotSent(logger, outcome.GetType().Name);
                return "not_sent";
        }
    }

    private static string? Read(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Consent {Action} ({Category}, from {Source}) for {Subject}: changed {Changed}, duplicate {Duplicate}.")]
    private static partial void LogApplied(ILogger logger, ConsentAction action, ConsentCategory category, ConsentSource source, ConsentSubject subject, bool changed, bool duplicate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An inbound {Keyword} keyword without channel, identity or message id; nothing recorded.")]
    private static partial void LogUnusableKeyword(ILogger logger, string keyword);

    [LoggerMessage(Level = LogLevel.Information, Message = "A Sinch {Trigger} notification with status {Status} (or without identity) changes nothing.")]
    private static partial void LogSinchEventIgnored(ILogger logger, string trigger, string? status);

    [LoggerMessage(Level = LogLevel.Error, Message = "The consent reply was not sent ({Outcome}); the change itself is recorded.")]
    private static partial void LogReplyNotSent(ILogger logger, string outcome);
}
