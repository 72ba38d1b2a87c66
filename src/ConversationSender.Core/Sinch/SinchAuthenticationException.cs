using System.Net;

namespace ConversationSender.Sinch;

/// <summary>Sinch did not accept our access key (401 from the API or the token endpoint).</summary>
public sealed class SinchAuthenticationException(string message, HttpStatusCode statusCode, SinchError? error)
    : SinchApiException(message, statusCode, error);
