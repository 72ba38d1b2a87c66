namespace ConversationSender.Sinch;

/// <summary>What went wrong on the network, in words an operator can act on (never "Unknown").</summary>
internal static class NetworkFailure
{
    public static string Describe(HttpRequestException exception) => exception.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => "its host name did not resolve (check Sinch:Region or the base URL, and DNS)",
        HttpRequestError.ConnectionError => "no connection could be opened (refused or unreachable)",
        HttpRequestError.SecureConnectionError => "the TLS handshake failed",
        HttpRequestError.HttpProtocolError or HttpRequestError.InvalidResponse => "its answer was not valid HTTP",
        HttpRequestError.ResponseEnded => "the connection closed before the answer was complete",
        HttpRequestError.ProxyTunnelError => "the proxy refused the tunnel",
        HttpRequestError.ConfigurationLimitExceeded => "the answer exceeded a configured limit (headers too large)",
        _ => exception.InnerException is { } inner ? $"the request failed ({inner.GetType().Name})" : "the request failed before an answer arrived",
    };
}
