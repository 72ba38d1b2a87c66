using System.Net;

namespace ConversationSender.Sinch;

/// <summary>Sinch answered, or could not be reached; the subclass says which kind of failure it is.</summary>
public abstract class SinchApiException : Exception
{
    protected SinchApiException(string message, HttpStatusCode? statusCode, SinchError? error, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Error = error;
    }

    /// <summary>Null when no HTTP response arrived (timeout, connection failure).</summary>
    public HttpStatusCode? StatusCode { get; }

    public SinchError? Error { get; }
}
