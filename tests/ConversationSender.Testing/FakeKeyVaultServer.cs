using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

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

    private readonly LoopbackCertificate _certificate;
    private readonly ConcurrentDictionary<string, int> _reads = new();
    private readonly ConcurrentDictionary<string, int> _held = new();
    private int _challenges;
    private int _refused;
    private LoopbackServer _server = null!;

    private readonly bool _ownsCertificate;

    private FakeKeyVaultServer(LoopbackCertificate certificate, bool ownsCertificate)
    {
        _certificate = certificate;
        _ownsCertificate = ownsCertificate;
    }

    public Uri VaultUri { get; private set; } = null!;

    public ConcurrentDictionary<string, string> Secrets { get; } = new();

    /// <summary>Latency added to every secret read, to show whether reads run one after another or together.</summary>
    public TimeSpan ReadDelay { get; set; }

    /// <summary>When set, secret reads wait for it before answering (a vault that hangs, for as long as a test wants).</summary>
    public Task? HoldReadsUntil { get; set; }

    /// <summary>Reads that were held (see <see cref="HoldReadsUntil"/>), per secret.</summary>
    public int HeldReadsOf(string secretName) => _held.GetValueOrDefault(secretName);

    /// <summary>When set, secret reads answer this status (e.g. 503, 403).</summary>
    public int? FailWithStatus { get; set; }

    public int Challenges => _challenges;

    public int ReadsOf(string secretName) => _reads.GetValueOrDefault(secretName);

    /// <param name="sharedCertificate">One issued for <see cref="HostName"/>, shared with other stand-ins; else its own.</param>
    public static async Task<FakeKeyVaultServer> StartAsync(LoopbackCertificate? sharedCertificate = null)
    {
        var certificate = sharedCertificate ?? LoopbackCertificate.Create(HostName);
        var server = new FakeKeyVaultServer(certificate, ownsCertificate: sharedCertificate is null);
        server._server = await LoopbackServer.StartAsync(app => app.Run(server.HandleAsync), certificate);
        server.VaultUri = new Uri($"https://{HostName}:{server._server.BaseUrl.Port}/");
        return server;
    }

    /// <summary>A handler that trusts exactly this server's certificate, for the Azure SDK's transport.</summary>
    public HttpMessageHandler CreateTrustingHandler() => _certificate.CreateTrustingHandler();

    /// <summary>Requests refused because their token or Host header was wrong (as Key Vault would refuse them).</summary>
    public int RefusedRequests => _refused;

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        if (_ownsCertificate)
        {
            _certificate.Dispose();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        // Key Vault serves a vault only under its own name: a client that lost the name would be refused there too.
        if (context.Request.Host.Value != $"{HostName}:{_server.BaseUrl.Port}")
        {
            Interlocked.Increment(ref _refused);
            context.Response.StatusCode = 400;
            return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            // What Key Vault answers first; the resource must match the vault's host for the SDK to accept it.
            Interlocked.Increment(ref _challenges);
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate =
                $"Bearer authorization=\"https://login.microsoftonline.com/{TenantId}\", resource=\"{ChallengeResource}\"";
            return;
        }

        // Only a live token issued for this vault's resource (what the challenge named) is accepted.
        if (FakeTokenCredential.AudienceOfToken(authorization["Bearer ".Length..]) != ChallengeResource)
        {
            Interlocked.Increment(ref _refused);
            context.Response.StatusCode = 401;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = new JsonObject { ["code"] = "Unauthorized", ["message"] = "AKV10022: Invalid audience." } });
            return;
        }

        var match = SecretPath().Match(context.Request.Path.Value ?? "");
        if (context.Request.Method != "GET" || !match.Success)
        {
            context.Response.StatusCode = 404;
            return;
        }

        var name = match.Groups[1].Value;
        if (HoldReadsUntil is { } held)
        {
            _held.AddOrUpdate(name, 1, (_, n) => n + 1);
            await held.WaitAsync(context.RequestAborted);
        }

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

    [GeneratedRegex("^/secrets/([0-9A-Za-z-]+)/?$")]
    private static partial Regex SecretPath();
}
