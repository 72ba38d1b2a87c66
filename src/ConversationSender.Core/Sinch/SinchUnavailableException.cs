using System.Net;

namespace ConversationSender.Sinch;

/// <summary>Sinch is busy, failing or unreachable right now (429, 5xx, timeout, network): try again later.</summary>
public sealed class SinchUnavailableException(
    string message,
    HttpStatusCode? statusCode,
    SinchError? error,
    TimeSpan? retryAfter,
    Exception? innerException = null,
    bool mayHaveBeenSent = false)
    : SinchApiException(message, statusCode, error, innerException)
{
    /// <summary>What Sinch asked for in <c>Retry-After</c>, if anything.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>
    /// The request reached Sinch and its fate is unknown (a 5xx other than 503, or no answer in time):
    /// sending again may deliver the message twice.
    /// </summary>
    public bool MayHaveBeenSent { get; } = mayHaveBeenSent;

    /// <summary>
    /// Sinch itself is failing or unreachable (503, another 5xx, no answer, no connection, the open circuit), not busy
    /// with us (429) nor held back by our own rate limit: every message would fail the same way now.
    /// </summary>
    public bool SinchIsDown { get; init; }
}
