using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConversationSender.Tests.Infrastructure;

/// <summary>
/// Sinch over real HTTP on 127.0.0.1 (Kestrel): the OAuth token endpoint and <c>messages:send</c>, following the
/// fake-server contract of the API reference. It records every request, never dedupes, and answers what tests script.
/// </summary>
public sealed class FakeSinchServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<FakeResponse> _scripted = new();
    private readonly ConcurrentDictionary<string, bool> _issuedTokens = new();
    private readonly ConcurrentQueue<string> _deliveries = new();
    private int _messageCounter;

    private FakeSinchServer(WebApplication app) => _app = app;

    public const string KeyId = "fake-key-id";

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The access key secret Sinch currently accepts; change it to simulate a rotation.</summary>
    public string KeySecret { get; set; } = "fake-key-secret-1";

    public int TokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>When set, every send answers with it (after the scripted ones run out).</summary>
    public FakeResponse? DefaultSendResponse { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Chooses a fault for each authenticated send (fault-injection runs); null: none.</summary>
    public Func<SinchFault>? FaultPlan { get; set; }

    /// <summary>How long a <see cref="SinchFault.SlowAfterProcessing"/> answer takes.</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>While true, the token endpoint answers 429 (without Retry-After, like Sinch's auth gateway).</summary>
    public bool TokenEndpointRateLimited { get; set; }

    /// <summary>Every message Sinch took (accepted, or processed before a fault): the bodies, in order.</summary>
    public IReadOnlyList<string> Deliveries => [.. _deliveries];

    public System.Collections.Concurrent.ConcurrentDictionary<SinchFault, int> InjectedFaults { get; } = new();

    /// <summary>Every send that got past authentication, with the fault it met, in arrival order.</summary>
    public ConcurrentQueue<(string Body, SinchFault Fault, DateTimeOffset At)> SendHistory { get; } = new();

    public IReadOnlyList<RecordedRequest> SendRequests => [.. _requests.Where(r => r.Path.EndsWith(":send", StringComparison.Ordinal))];

    public IReadOnlyList<RecordedRequest> TokenRequests => [.. _requests.Where(r => r.Path == "/oauth2/token")];

    public static async Task<FakeSinchServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeSinchServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseUrl = new Uri(address + "/");
        return server;
    }

    /// <summary>The next sends answer these, in order.</summary>
    public void Script(params FakeResponse[] responses)
    {
        foreach (var response in responses)
        {
            _scripted.Enqueue(response);
        }
    }

    /// <summary>Tokens issued so far are now refused with a 401 that says they expired.</summary>
    public void ExpireIssuedTokens()
    {
        foreach (var token in _issuedTokens.Keys)
        {
            _issuedTokens[token] = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var path = request.Path.Value ?? "";
        _requests.Enqueue(new RecordedRequest(request.Method, path, request.Headers.Authorization, request.ContentType, request.Headers.Accept, body));

        if (request.Method == "POST" && path == "/oauth2/token")
        {
            await IssueTokenAsync(context, body);
        }
        else if (request.Method == "POST" && path.StartsWith("/v1/projects/", StringComparison.Ordinal) && path.EndsWith("/messages:send", StringComparison.Ordinal))
        {
            await SendAsync(context, body);
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    }

    private async Task IssueTokenAsync(HttpContext context, string body)
    {
        if (TokenEndpointRateLimited)
        {
            InjectedFaults.AddOrUpdate(SinchFault.RateLimitedWithoutRetryAfter, 1, (_, n) => n + 1);
            context.Response.StatusCode = 429;
            return;
        }

        if (context.Request.Headers.Authorization != BasicValue() || body != "grant_type=client_credentials")
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = "invalid_client", ["error_description"] = "Client authentication failed" });
            return;
        }

        var token = "fake-token-" + Guid.NewGuid().ToString("N");
        _issuedTokens[token] = true;
        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["access_token"] = token,
            ["expires_in"] = TokenLifetimeSeconds,
            ["scope"] = "",
            ["token_type"] = "bearer",
        });
    }

    private async Task SendAsync(HttpContext context, string body)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            if (!_issuedTokens.TryGetValue(authorization["Bearer ".Length..], out var valid))
            {
                await UnauthorizedAsync(context, "Bearer error=\"invalid_token\"");
                return;
            }

            if (!valid)
            {
                await UnauthorizedAsync(context, "Bearer error=\"invalid_token\", error_description=\"token expired\"");
                return;
            }
        }
        else if (authorization != BasicValue())
        {
            await UnauthorizedAsync(context, "Basic realm=\"sinch\"");
            return;
        }

        var planned = FaultPlan?.Invoke() ?? SinchFault.None;
        SendHistory.Enqueue((body, planned, DateTimeOffset.UtcNow));
        if (planned is var fault and not SinchFault.None)
        {
            InjectedFaults.AddOrUpdate(fault, 1, (_, n) => n + 1);
            await InjectAsync(context, fault, body);
            return;
        }

        var response = _scripted.TryDequeue(out var scripted) ? scripted : DefaultSendResponse;
        if (response is null)
        {
            _deliveries.Enqueue(body);
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["message_id"] = $"01FAKEMESSAGE{Interlocked.Increment(ref _messageCounter):D13}",
                ["accepted_time"] = DateTimeOffset.UtcNow.ToString("O"),
            });
            return;
        }

        if (response.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(response.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (response.Body is not null)
        {
            context.Response.ContentType = response.ContentType;
            await context.Response.WriteAsync(response.Body);
        }
        else if (response.Status == 200)
        {
            _deliveries.Enqueue(body);
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["message_id"] = $"01FAKEMESSAGE{Interlocked.Increment(ref _messageCounter):D13}",
                ["accepted_time"] = DateTimeOffset.UtcNow.ToString("O"),
            });
        }
    }

    private async Task InjectAsync(HttpContext context, SinchFault fault, string body)
    {
        switch (fault)
        {
            case SinchFault.RateLimitedWithRetryAfter:
                context.Response.Headers.RetryAfter = "0";
                await WriteErrorAsync(context, 429, "RESOURCE_EXHAUSTED");
                break;
            case SinchFault.RateLimitedWithoutRetryAfter:
                await WriteErrorAsync(context, 429, "RESOURCE_EXHAUSTED");
                break;
            case SinchFault.Unavailable:
                await WriteErrorAsync(context, 503, "UNAVAILABLE");
                break;
            case SinchFault.ServerErrorAfterProcessing:
                _deliveries.Enqueue(body);
                await WriteErrorAsync(context, 500, "INTERNAL");
                break;
            case SinchFault.SlowAfterProcessing:
                _deliveries.Enqueue(body);
                try
                {
                    await Task.Delay(SlowDelay, context.RequestAborted);
                    await WriteErrorAsync(context, 200, "OK");
                }
                catch (OperationCanceledException)
                {
                }

                break;
            case SinchFault.DropBeforeProcessing:
                context.Abort();
                break;
            case SinchFault.DropAfterProcessing:
                _deliveries.Enqueue(body);
                context.Abort();
                break;
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string statusName)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = new JsonObject { ["code"] = status, ["message"] = "injected", ["status"] = statusName } });
    }

    private static async Task UnauthorizedAsync(HttpContext context, string challenge)
    {
        context.Response.StatusCode = 401;
        context.Response.Headers.WWWAuthenticate = challenge;
        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = 401, ["message"] = "Request had invalid authentication credentials.", ["status"] = "UNAUTHENTICATED" },
        });
    }

    private string BasicValue() => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{KeyId}:{KeySecret}"));
}
