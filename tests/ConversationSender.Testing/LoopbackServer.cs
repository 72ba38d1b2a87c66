using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConversationSender.Testing;

/// <summary>
/// Kestrel on 127.0.0.1, on a port the system picks (so parallel tests never collide), over HTTP or, given a
/// certificate, HTTPS: what every local stand-in (Key Vault, telemetry ingestion, webhook receivers, the functions'
/// HTTP routes) is served by. Its own logging is off, so a test's output shows only what the test is about.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The server's root, with its scheme and port and a trailing slash: <c>http://127.0.0.1:51234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <param name="map">Adds the server's endpoints or handler, before it starts.</param>
    /// <param name="certificate">When given, the server speaks HTTPS with this certificate; else plain HTTP.</param>
    public static async Task<LoopbackServer> StartAsync(Action<WebApplication> map, LoopbackCertificate? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate.Certificate);
            }
        }));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new LoopbackServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
