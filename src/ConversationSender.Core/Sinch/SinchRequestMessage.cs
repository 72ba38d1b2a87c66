namespace ConversationSender.Sinch;

/// <summary>
/// A request to the Conversation API, carrying what <see cref="SinchAuthenticationHandler"/> needs and learns: the
/// credentials it was built with, and whether it is with Sinch now.
/// </summary>
/// <remarks>Fields, not <see cref="HttpRequestMessage.Options"/>: that is a dictionary allocated per request.</remarks>
public sealed class SinchRequestMessage(HttpMethod method, Uri requestUri, SinchCredentials credentials) : HttpRequestMessage(method, requestUri)
{
    /// <summary>The project, app and key this request was built for; the handler authenticates with this key.</summary>
    public SinchCredentials Credentials { get; } = credentials;

    /// <summary>Set while the request is with Sinch: a failure then may have delivered it; a wait for a token or the vault cannot.</summary>
    public bool WasOnTheWire { get; internal set; }
}
