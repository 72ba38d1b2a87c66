using System.Net;

namespace ConversationSender.Sinch;

/// <summary>Sinch refused this message for good (400, 403, 404, …): sending it again cannot succeed.</summary>
public sealed class SinchRejectedException(string message, HttpStatusCode statusCode, SinchError? error)
    : SinchApiException(message, statusCode, error);
