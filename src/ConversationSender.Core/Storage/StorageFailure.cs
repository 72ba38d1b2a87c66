using Azure;
using Azure.Identity;

namespace ConversationSender.Storage;

/// <summary>
/// Whether an exception from a storage call means "the account cannot be used right now" (an HTTP error, no
/// connection, the SDK's own retries exhausted, the identity unable to get a token, a timeout) rather than a bug.
/// One definition for every table and queue the app uses, so that none of them lets an outage surface as a 500.
/// </summary>
public static class StorageFailure
{
    public static bool Is(Exception exception, CancellationToken callerToken) => exception switch
    {
        RequestFailedException or HttpRequestException or AuthenticationFailedException or CredentialUnavailableException => true,

        // "Retry failed after N tries": the SDK wraps each attempt's failure.
        AggregateException many => many.InnerExceptions.Count > 0 && many.InnerExceptions.All(e => Is(e, callerToken)),

        // A timeout of the SDK's, not the caller giving up.
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => false,
    };
}
