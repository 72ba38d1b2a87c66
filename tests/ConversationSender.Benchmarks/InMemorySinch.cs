using System.Net;
using System.Net.Http.Headers;

namespace ConversationSender.Benchmarks;

/// <summary>
/// Sinch answered from memory: a token for any token request, a fixed accepted answer for any send. Without a socket
/// or a server, what is left of a send is the client's own work, the product's or a bare <see cref="HttpClient"/>'s.
/// </summary>
public sealed class InMemorySinch : HttpMessageHandler
{
    private static readonly byte[] Token = """{"access_token":"in-memory-token","expires_in":3600,"token_type":"bearer"}"""u8.ToArray();
    private static readonly byte[] Accepted = """{"message_id":"01INMEMORY0000000000000001","accepted_time":"2026-11-29T12:00:00Z"}"""u8.ToArray();
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.RequestUri!.AbsolutePath.EndsWith("/oauth2/token", StringComparison.Ordinal) ? Token : Accepted;
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) { Headers = { ContentType = Json } }, RequestMessage = request });
    }
}
