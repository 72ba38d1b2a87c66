using System.Diagnostics;
using System.Net;
using ConversationSender.Credentials;
using ConversationSender.Sinch;
using ConversationSender.Validation;
using Microsoft.Extensions.Logging;

namespace ConversationSender.Sending;

/// <summary>
/// The one path every message takes, whichever trigger brought it: read → validate → credentials → Sinch.
/// It never throws for a message's own fault or Sinch's answer; the <see cref="SendOutcome"/> says what happened.
/// </summary>
public sealed class SendService(
    ConversationClient client,
    ISinchCredentialStore credentialStore,
    TimeProvider time,
    ILogger<SendService> logger)
{
    public async Task<SendOutcome> SendAsync(BinaryData body, CancellationToken cancellationToken)
    {
        if (!OutboundMessageReader.TryRead(body, out var message, out var readError))
        {
            return Log(new SendOutcome.Rejected("The message is not valid JSON of the expected shape.", [readError!]));
        }

        var validation = OutboundMessageValidator.Validate(message!);
        if (!validation.IsValid)
        {
            return Log(new SendOutcome.Rejected("The message is invalid.", validation.Errors));
        }

        return Log(await SendValidatedAsync(validation.Request!, cancellationToken));
    }

    private async Task<SendOutcome> SendValidatedAsync(SendMessageRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var credentials = await credentialStore.GetAsync(cancellationToken);
            try
            {
                return Accepted(await client.SendAsync(request, credentials, cancellationToken));
            }
            catch (SinchAuthenticationException)
            {
                // The key may have been rotated in the vault since we cached it: read it again, once.
                logger.LogWarning("Sinch refused the cached access key; reading the credentials again.");
                var refreshed = await credentialStore.RefreshAsync(credentials, cancellationToken);
                return Accepted(await client.SendAsync(request, refreshed, cancellationToken));
            }
        }
        catch (SinchAuthenticationException ex)
        {
            return new SendOutcome.Misconfigured(
                $"Sinch refused the access key (HTTP {(int?)ex.StatusCode}); check {credentialStore.AccessKeySettingNames} and the Sinch project.",
                credentialStore.AccessKeySettingNames);
        }
        catch (SinchRejectedException ex)
        {
            var errors = ex.Error?.FieldViolations.Select(v => new FieldError(v.Field, v.Description)).ToList() ?? [];
            return new SendOutcome.Rejected(ex.Message + RejectionHint(ex.StatusCode), errors, ex.StatusCode, ex.Error?.Status);
        }
        catch (SinchUnavailableException ex)
        {
            return new SendOutcome.Transient(ex.Message, ex.RetryAfter, ex.StatusCode);
        }
        catch (CredentialsMisconfiguredException ex)
        {
            return new SendOutcome.Misconfigured(ex.Message, ex.SettingName);
        }
        catch (CredentialsUnavailableException ex)
        {
            return new SendOutcome.Transient(ex.Message, RetryAfter: null);
        }
    }

    // What usually causes these answers (API reference §4.3), so the caller knows where to look.
    private static string RejectionHint(HttpStatusCode? status) => status switch
    {
        HttpStatusCode.Forbidden => " (Sinch denies access: check the access key's project permissions and the account's billing or trial limits.)",
        HttpStatusCode.NotFound => " (Sinch found no such project or app here: check Sinch:Region matches the app's region, and the project and app ids.)",
        _ => "",
    };

    private SendOutcome.Accepted Accepted(SendMessageResponse response) =>
        new(response.MessageId!, response.AcceptedTime ?? time.GetUtcNow());

    // Only the outcome's kind, status and ids: the message's identities and texts never reach a log.
    private SendOutcome Log(SendOutcome outcome)
    {
        var traceId = Activity.Current?.TraceId.ToString();
        switch (outcome)
        {
            case SendOutcome.Accepted accepted:
                logger.LogInformation("Sinch accepted message {MessageId}.", accepted.MessageId);
                break;
            case SendOutcome.Rejected rejected:
                // Not the field names either: an unknown field's name is whatever the caller wrote, a phone number included.
                logger.LogWarning(
                    "Message rejected ({UpstreamStatus} {SinchStatus}) with {ErrorCount} field errors.",
                    (int?)rejected.UpstreamStatus, rejected.SinchStatus, rejected.Errors.Count);
                break;
            case SendOutcome.Transient transient:
                logger.LogWarning("Send failed for now ({UpstreamStatus}), retry after {RetryAfter}; trace {TraceId}.", (int?)transient.UpstreamStatus, transient.RetryAfter, traceId);
                break;
            case SendOutcome.Misconfigured misconfigured:
                logger.LogError("Send impossible until {SettingName} is fixed: {Reason}", misconfigured.SettingName, misconfigured.Reason);
                break;
        }

        return outcome;
    }
}
