using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConversationSender.Testing;

/// <summary>
/// Key Vault's secrets API over HTTPS on 127.0.0.1 with a freshly generated self-signed certificate,
/// enough for the real <c>SecretClient</c>: the 401 bearer challenge it starts with, then
/// <c>GET /secrets/{name}</c>. Counts reads per secret and can be told to fail.
/// </summary>
/// <remarks>
/// The SDK accepts a challenge only when the vault's host is a subdomain of the challenge resource, which an IP
/// address can never be. So the vault gets a name (<see cref="HostName"/>) and <see cref="CreateTrustingHandler"/>
/// connects every request to 127.0.0.1: no traffic leaves the machine and the SDK's check stays on.
/// </remarks>
public sealed partial class FakeKeyVaultServer : IAsyncDisposable
{
    public const string TenantId = "00000000-0000-0000-0000-0000000000aa";
    public const string HostName = "sender-tests.vault.localhost";
    private const string ChallengeResource = "https://vault.localhost";

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentDictionary<string, int> _reads = new();
    private int _challenges;
    private int _port;

    private FakeKeyVaultServer(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
    }

    public Uri VaultUri { get; private set; } = null!;

    public ConcurrentDictionary<string, string> Secrets { get; } = new();

    /// <summary>Latency added to every secret read, to show whether reads run one after another or together.</summary>
    public TimeSpan ReadDelay { get; set; }

    /// <summary>When set, secret reads answer this status (e.g. 503, 403).</summary>
    public int? FailWithStatus { get; set; }

    public int Challenges => _challenges;

    public int ReadsOf(string secretName) => _reads.GetValueOrDefault(secretName);

    public static async Task<FakeKeyVaultServer> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var server = new FakeKeyVaultServer(app, certificate);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server._port = new Uri(address).Port;
        server.VaultUri = new Uri($"https://{HostName}:{server._port}/");
        return server;
    }

    /// <summary>A handler that trusts exactly this server's certificate, for the Azure SDK's transport.</summary>
    public HttpMessageHandler CreateTrustingHandler() => new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == _certificate.GetCertHashString() },
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _port), cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            // What Key Vault answers first; the resource must match the vault's host for the SDK to accept it.
            Interlocked.Increment(ref _challenges);
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate =
                $"Bearer authorization=\"https://login.microsoftonline.com/{TenantId}\", resource=\"{ChallengeResource}\"";
            return;
        }

        var match = SecretPath().Match(context.Request.Path.Value ?? "");
        if (context.Request.Method != "GET" || !match.Success)
        {
            context.Response.StatusCode = 404;
            return;
        }

        var name = match.Groups[1].Value;
        _reads.AddOrUpdate(name, 1, (_, n) => n + 1);
        if (ReadDelay > TimeSpan.Zero)
        {
            await Task.Delay(ReadDelay);
        }

        if (FailWithStatus is { } status)
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = new JsonObject { ["code"] = "Injected", ["message"] = "injected failure" } });
            return;
        }

        if (!Secrets.TryGetValue(name, out var value))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["error"] = new JsonObject { ["code"] = "SecretNotFound", ["message"] = $"A secret with (name/id) {name} was not found in this key vault." },
            });
            return;
        }

        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["value"] = value,
            ["id"] = $"{VaultUri}secrets/{name}/0123456789abcdef0123456789abcdef",
            ["attributes"] = new JsonObject { ["enabled"] = true, ["created"] = 1_700_000_000, ["updated"] = 1_700_000_000, ["recoveryLevel"] = "Recoverable" },
        });
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={HostName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(HostName);
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // Re-imported from PKCS#12 so that Kestrel gets a certificate with a usable private key on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), password: null);
    }

    [GeneratedRegex("^/secrets/([0-9A-Za-z-]+)/?$")]
    private static partial Regex SecretPath();
}
