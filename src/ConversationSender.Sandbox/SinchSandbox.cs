using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace ConversationSender.Sandbox;

/// <summary>
/// A local stand-in for the Sinch Conversation API (the fake-server contract of the API reference §9.1): the OAuth
/// token endpoint, <c>messages:send</c> with Sinch's stage-1 checks and error envelope, regions by path or host,
/// a new ULID per accepted send (never deduplicated), signed delivery reports, fault switches, and a page that
/// shows what was "sent". The product's test suite uses this same class as its fake Sinch.
/// </summary>
public sealed partial class SinchSandbox : IAsyncDisposable
{
    public const string DefaultKeyId = "sandbox-key-id";

    private readonly WebApplication _app;
    private readonly DeliveryReportSender _reports;
    private readonly ILogger _logger;
    private readonly HttpClient _callbacks = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<FakeResponse> _scripted = new();
    private readonly ConcurrentDictionary<string, bool> _issuedTokens = new();
    private readonly ConcurrentQueue<string> _deliveries = new();
    private readonly ConcurrentQueue<CapturedMessage> _captured = new();
    private readonly ConcurrentQueue<ListedMessage> _listed = new();
    private readonly ContactBook _contacts = new();
    private readonly ConsentBook _consent = new();
    private readonly ConsentKeywords _keywords;
    private readonly ChangeFeed _changes = new();
    private readonly ConcurrentDictionary<string, bool> _downChannels = new(StringComparer.Ordinal);
    private int _listFailures;

    private SinchSandbox(WebApplication app, SandboxOptions options)
    {
        _app = app;
        Options = options;
        _logger = app.Services.GetRequiredService<ILogger<SinchSandbox>>();
        _reports = new DeliveryReportSender(options, channel => _downChannels.ContainsKey(channel));
        _keywords = new ConsentKeywords(options.OptOutKeywords, options.OptInKeywords);
    }

    public Uri BaseUrl { get; private set; } = null!;

    public SandboxOptions Options { get; }

    /// <summary>The access key secret accepted now; change it to simulate a rotation.</summary>
    public string KeySecret { get => Options.KeySecret; set => Options.KeySecret = value; }

    public int TokenLifetimeSeconds { get => Options.TokenLifetimeSeconds; set => Options.TokenLifetimeSeconds = value; }

    /// <summary>When set, every send answers with it once scripted answers and fault switches run out.</summary>
    public FakeResponse? DefaultSendResponse { get; set; }

    /// <summary>Chooses a fault for each authenticated send (fault-injection runs); null: none.</summary>
    public Func<SinchFault>? FaultPlan { get; set; }

    /// <summary>How long a <see cref="SinchFault.SlowAfterProcessing"/> answer takes.</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>While true, the token endpoint answers 429 (without Retry-After, like Sinch's auth gateway).</summary>
    public bool TokenEndpointRateLimited { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public IReadOnlyList<RecordedRequest> SendRequests => [.. _requests.Where(r => r.Path.EndsWith(":send", StringComparison.Ordinal))];

    public IReadOnlyList<RecordedRequest> TokenRequests => [.. _requests.Where(r => r.Path == "/oauth2/token")];

    /// <summary>Every message Sinch "took" (accepted, or processed before a fault): the bodies, in order.</summary>
    public IReadOnlyList<string> Deliveries => [.. _deliveries];

    public ConcurrentDictionary<SinchFault, int> InjectedFaults { get; } = new();

    /// <summary>Every send that got past authentication, with the fault it met, in arrival order.</summary>
    public ConcurrentQueue<(string Body, SinchFault Fault, DateTimeOffset At)> SendHistory { get; } = new();

    /// <summary>Requests refused by the checks (Content-Type, JSON, project, app, stage 1), with the reason: a test of a
    /// correct client expects none.</summary>
    public ConcurrentQueue<string> RefusedRequests { get; } = new();

    /// <summary>Every message the sandbox took, in order: what <c>GET …/messages</c> lists.</summary>
    public IReadOnlyList<ListedMessage> Listed => [.. _listed];

    /// <summary>Calls of the message list, each with its query string.</summary>
    public ConcurrentQueue<string> ListRequests { get; } = new();

    /// <summary>Adds a message to the list as if another sender of the app had sent it (traffic to search through).</summary>
    public void AddListed(ListedMessage message)
    {
        _listed.Enqueue(message);
        _changes.Notify();
    }

    /// <summary>The next <paramref name="count"/> calls of the message list answer 503 (reconciliation unavailable).</summary>
    public void FailListing(int count) => Interlocked.Exchange(ref _listFailures, count);

    /// <summary>Captured sends, newest first.</summary>
    public IReadOnlyList<CapturedMessage> Captured => [.. _captured.Reverse()];

    /// <summary>Starts the sandbox. Without arguments (tests) it listens on a free 127.0.0.1 port.</summary>
    /// <param name="args">Command-line arguments (<c>--urls</c>, <c>--Sandbox:KeySecret</c>, …); the default URL is <see cref="SandboxOptions.DefaultUrl"/>.</param>
    public static async Task<SinchSandbox> StartAsync(string[]? args = null, Action<SandboxOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        var options = new SandboxOptions();
        builder.Configuration.GetSection("Sandbox").Bind(options);
        configure?.Invoke(options);
        if (!options.VerboseLogging)
        {
            // Warnings and the sandbox's own lines; ASP.NET's four lines per request only when asked for.
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        if (args is null)
        {
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        }
        else if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(SandboxOptions.DefaultUrl);
        }

        // The sandbox's own API (faults, key, inbound) speaks snake_case JSON, as Sinch's does.
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, SandboxJsonContext.Default);
        });
        var app = builder.Build();
        var sandbox = new SinchSandbox(app, options);
        sandbox.MapEndpoints();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        sandbox.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return sandbox;
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>The next sends answer these, in order.</summary>
    public void Script(params FakeResponse[] responses)
    {
        foreach (var response in responses)
        {
            _scripted.Enqueue(response);
        }
    }

    /// <summary>
    /// Revokes every token issued so far, as Sinch does when an access key is rotated or deleted: the next request
    /// with one of them gets a plain <c>401 invalid_token</c>, with no word of expiry.
    /// </summary>
    public void RevokeIssuedTokens() => _issuedTokens.Clear();

    /// <summary>Tokens issued so far are now refused with a 401 that says they expired.</summary>
    public void ExpireIssuedTokens()
    {
        foreach (var token in _issuedTokens.Keys)
        {
            _issuedTokens[token] = false;
        }
    }

    /// <summary>Deliveries on <paramref name="channel"/> fail until <see cref="RestoreChannels"/>: reports switch to the next channel.</summary>
    public void TakeChannelDown(string channel) => _downChannels[channel] = true;

    public void RestoreChannels() => _downChannels.Clear();

    public void Clear()
    {
        _captured.Clear();
        _requests.Clear();
        _consent.Clear();
        _changes.Notify();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _reports.DisposeAsync();
        _callbacks.Dispose();
    }

    private void MapEndpoints()
    {
        // Whatever goes wrong inside answers in Sinch's envelope, never an empty 500.
        _app.UseExceptionHandler(errors => errors.Run(async context =>
        {
            var failure = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>();
            SandboxLog.Failed(_logger, failure?.Error ?? new InvalidOperationException("unknown"), context.Request.Method, context.Request.Path);
            await WriteErrorAsync(context, 500, "INTERNAL", "The sandbox failed; see its log.");
        }));
        MapOAuthRoutes();
        MapPageRoutes();
        MapFaultRoutes();
        MapInboundRoutes();
        MapConsentRoutes();
        MapListRoutes();
        MapSendRoutes();
    }

    private void Record(HttpRequest request, string body) =>
        _requests.Enqueue(new RecordedRequest(request.Method, request.Path.Value ?? "", request.Headers.Authorization, request.ContentType, request.Headers.Accept, body));

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string statusName, string message)
    {
        context.Response.StatusCode = status;
        await SinchWire.WriteAsync(context, new JsonObject { ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["status"] = statusName } });
    }
}
