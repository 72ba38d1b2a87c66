using System.Net;
using ConversationSender.Credentials;
using ConversationSender.Sinch;
using ConversationSender.Validation;

namespace ConversationSender.Sending;

/// <summary>Sinch's answers and the credential store's failures, as the <see cref="SendOutcome"/> the caller gets.</summary>
public static class FailureOutcome
{
    /// <summary>The outcome <paramref name="exception"/> means; null for anything that is not an outcome (the caller's cancellation, a bug).</summary>
    /// <param name="accessKeySettingNames">The settings an operator fixes when Sinch refuses the access key.</param>
    public static SendOutcome? From(Exception exception, string accessKeySettingNames) => exception switch
    {
        // Refused again after the handler read the key anew: an operator's fix.
        SinchAuthenticationException ex => new SendOutcome.Misconfigured(
            $"Sinch refused the access key (HTTP {(int?)ex.StatusCode}); check {accessKeySettingNames} and the Sinch project.",
            accessKeySettingNames),
        SinchRejectedException ex => new SendOutcome.Rejected(
            ex.Message + RejectionHint(ex.StatusCode),
            ex.Error?.FieldViolations.Select(v => new FieldError(v.Field, v.Description)).ToList() ?? [],
            ex.StatusCode,
            ex.Error?.Status),
        SinchUnavailableException ex => new SendOutcome.Transient(ex.Message, ex.RetryAfter, ex.StatusCode, ex.MayHaveBeenSent) { SinchIsDown = ex.SinchIsDown },
        CredentialsMisconfiguredException ex => new SendOutcome.Misconfigured(ex.Message, ex.SettingName),
        CredentialsUnavailableException ex => new SendOutcome.Transient(ex.Message, RetryAfter: null),
        _ => null,
    };

    /// <summary>The name an outcome is counted under in the send metric.</summary>
    public static string MetricName(SendOutcome outcome) => outcome switch
    {
        SendOutcome.Accepted { Replayed: true } => "replayed",
        SendOutcome.Accepted => "accepted",
        SendOutcome.Rejected => "rejected",
        SendOutcome.Transient => "transient",
        SendOutcome.Unconfirmed => "unconfirmed",
        SendOutcome.InProgress => "in_progress",
        SendOutcome.KeyReused => "key_reused",
        SendOutcome.Cancelled => "cancelled",
        SendOutcome.Suppressed => "suppressed",
        SendOutcome.Misconfigured => "misconfigured",
        _ => "other",
    };

    // What usually causes these answers (API reference §4.3), so the caller knows where to look.
    private static string RejectionHint(HttpStatusCode? status) => status switch
    {
        HttpStatusCode.Forbidden => " (Sinch denies access: check the access key's project permissions and the account's billing or trial limits.)",
        HttpStatusCode.NotFound => " (Sinch found no such project or app here: check Sinch:Region matches the app's region, and the project and app ids.)",
        _ => "",
    };
}
