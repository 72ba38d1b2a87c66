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
    private readonly HttpClient _callbacks = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<FakeResponse> _scripted = new();
    private readonly ConcurrentDictionary<string, bool> _issuedTokens = new();
    private readonly ConcurrentQueue<string> _deliveries = new();
    private readonly ConcurrentQueue<CapturedMessage> _captured = new();
    private readonly ConcurrentQueue<ListedMessage> _listed = new();
    private int _listFailures;

    private SinchSandbox(WebApplication app, SandboxOptions options)
    {
        _app = app;
        Options = options;
        _reports = new DeliveryReportSender(options);
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
    public void AddListed(ListedMessage message) => _listed.Enqueue(message);

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
        if (args is null)
        {
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        }
        else if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(SandboxOptions.DefaultUrl);
        }

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

    public void Clear()
    {
        _captured.Clear();
        _requests.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _reports.DisposeAsync();
        _callbacks.Dispose();
    }

    /// <summary>
    /// Sends a signed MESSAGE_INBOUND callback to the webhook, as Sinch does when a contact writes to the app.
    /// </summary>
    /// <returns>The inbound message's id and the webhook's HTTP status (null: unreachable or no webhook URL).</returns>
    public async Task<(string MessageId, int? WebhookStatus)> ReplyAsRecipientAsync(InboundReply reply, CancellationToken cancellationToken = default)
    {
        var now = DateTimeOffset.UtcNow;
        var id = Ulid.New(now);
        var body = new JsonObject
        {
            ["app_id"] = Options.AppId,
            ["project_id"] = Options.ProjectId,
            ["accepted_time"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["event_time"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["message"] = new JsonObject
            {
                ["id"] = id,
                ["direction"] = "TO_APP",
                ["channel_identity"] = new JsonObject { ["channel"] = reply.Channel, ["identity"] = reply.Identity, ["app_id"] = Options.AppId },
                ["contact_message"] = new JsonObject { ["text_message"] = new JsonObject { ["text"] = reply.Text } },
                ["conversation_id"] = "01SANDBOXCONVERSATION00001",
                ["contact_id"] = "01SANDBOXCONTACT0000000001",
                ["metadata"] = "",
                ["accept_time"] = now.ToString("O", CultureInfo.InvariantCulture),
                ["processing_mode"] = "CONVERSATION",
            },
            ["message_metadata"] = "",
            ["correlation_id"] = "",
        }.ToJsonString();
        var status = Options.WebhookUrl is { Length: > 0 } url ? await SignedCallback.PostAsync(_callbacks, url, Options.WebhookSecret, body, cancellationToken) : null;
        return (id, status);
    }

    private void MapEndpoints()
    {
        _app.MapPost("/oauth2/token", IssueTokenAsync);
        _app.MapGet("/health", () => Results.Text("ok"));
        _app.MapGet("/", () => Results.Content(SandboxPage.List(Captured, Listed, PendingFaults(), BaseUrl), "text/html; charset=utf-8"));
        _app.MapGet("/messages/{id}", (string id) => Find(id) is { } m ? Results.Content(SandboxPage.Detail(m), "text/html; charset=utf-8") : Results.NotFound());
        _app.MapPost("/faults", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            AddFaults(new FaultSwitch
            {
                Kind = form["kind"].ToString(),
                Count = int.TryParse(form["count"], CultureInfo.InvariantCulture, out var n) ? n : 1,
                DelayMs = int.TryParse(form["delay_ms"], CultureInfo.InvariantCulture, out var d) ? d : null,
            });
            return Results.Redirect("/", permanent: false);
        }).DisableAntiforgery();
        _app.MapPost("/clear", () =>
        {
            Clear();
            return Results.Redirect("/");
        });
        _app.MapGet("/api/captured", () => Results.Json(Captured, SandboxJsonContext.Default.IReadOnlyListCapturedMessage));
        _app.MapGet("/api/captured/{id}", (string id) => Find(id) is { } m ? Results.Json(m, SandboxJsonContext.Default.CapturedMessage) : Results.NotFound());
        _app.MapDelete("/api/captured", () =>
        {
            Clear();
            return Results.NoContent();
        });
        _app.MapPost("/api/inbound", async (HttpContext context) =>
        {
            var reply = await context.Request.ReadFromJsonAsync(SandboxJsonContext.Default.InboundReply);
            if (reply is null || string.IsNullOrWhiteSpace(Options.WebhookUrl))
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsync("Send { channel, identity, text }, to a sandbox with a webhook URL (--Sandbox:WebhookUrl).");
                return;
            }

            var (messageId, webhookStatus) = await ReplyAsRecipientAsync(reply);
            context.Response.StatusCode = 202;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["message_id"] = messageId, ["webhook_status"] = webhookStatus });
        });
        _app.MapPost("/inbound", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            await ReplyAsRecipientAsync(new InboundReply { Channel = form["channel"].ToString(), Identity = form["identity"].ToString(), Text = form["text"].ToString() });
            return Results.Redirect("/", permanent: false);
        }).DisableAntiforgery();
        _app.MapGet("/api/faults", () => Results.Json(PendingFaults(), SandboxJsonContext.Default.IReadOnlyListString));
        _app.MapPost("/api/faults", (FaultSwitch fault) => AddFaults(fault) ? Results.Accepted() : Results.BadRequest($"kind must be one of {string.Join(", ", FaultSwitch.Kinds)}"));
        _app.MapDelete("/api/faults", () =>
        {
            _scripted.Clear();
            return Results.NoContent();
        });

        // The message list (API reference §8.1), with or without a region prefix.
        _app.MapGet("/v1/projects/{project}/messages", ListMessagesAsync);
        _app.MapGet("/{region}/v1/projects/{project}/messages", ListMessagesAsync);

        // messages:send, with the region in the host (eu.…) or as a path prefix (/eu/v1/…) so one sandbox serves all three.
        _app.MapFallback(HandleSendAsync);
    }

    private bool AddFaults(FaultSwitch fault)
    {
        if (fault.Kind == "tokens_revoked")
        {
            // Not per send: every token issued so far, at once (a key rotated or deleted at Sinch).
            RevokeIssuedTokens();
            return true;
        }

        if (fault.Kind == "list_unavailable")
        {
            FailListing(Math.Clamp(fault.Count, 1, 1000));
            return true;
        }

        if (fault.ToResponse() is not { } response)
        {
            return false;
        }

        for (var i = 0; i < Math.Clamp(fault.Count, 1, 1000); i++)
        {
            _scripted.Enqueue(response);
        }

        return true;
    }

    private IReadOnlyList<string> PendingFaults() =>
    [
        .. _scripted.Select(f => f.Label.Length > 0 ? f.Label : f.Status.ToString(CultureInfo.InvariantCulture)),
        .. Enumerable.Repeat("list unavailable (503)", Math.Clamp(Volatile.Read(ref _listFailures), 0, 1000)),
    ];

    private CapturedMessage? Find(string id) => _captured.FirstOrDefault(m => m.Id == id);

    private async Task IssueTokenAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context.Request);
        Record(context.Request, body);
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

        var token = "sandbox-token-" + Guid.NewGuid().ToString("N");
        _issuedTokens[token] = true;
        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["access_token"] = token,
            ["expires_in"] = Options.TokenLifetimeSeconds,
            ["scope"] = "",
            ["token_type"] = "bearer",
        });
    }

    private async Task HandleSendAsync(HttpContext context)
    {
        var request = context.Request;
        var match = SendPath().Match(request.Path.Value ?? "");
        if (request.Method != "POST" || !match.Success)
        {
            context.Response.StatusCode = 404;
            return;
        }

        var body = await ReadBodyAsync(request);
        Record(request, body);
        var region = match.Groups["region"].Success ? match.Groups["region"].Value
            : request.Host.Host.Split('.')[0] is "us" or "eu" or "br" ? request.Host.Host.Split('.')[0] : "us";
        var project = Uri.UnescapeDataString(match.Groups["project"].Value);

        if (!await AuthenticateAsync(context))
        {
            return;
        }

        // Every request is checked before anything else: a scripted answer or an injected fault may replace the
        // answer, never the check, so a malformed request cannot hide behind a test's script.
        if (await CheckAsync(context, body, region, project) is not { } json)
        {
            return;
        }

        var planned = FaultPlan?.Invoke() ?? SinchFault.None;
        SendHistory.Enqueue((body, planned, DateTimeOffset.UtcNow));
        if (planned != SinchFault.None)
        {
            InjectedFaults.AddOrUpdate(planned, 1, (_, n) => n + 1);
            await InjectAsync(context, planned, body);
            return;
        }

        var captured = Capture(request, body, json, region, project);
        var scripted = _scripted.TryDequeue(out var next) ? next : DefaultSendResponse;
        if (scripted is null)
        {
            await AcceptAsync(context, body, captured);
            return;
        }

        await AnswerScriptedAsync(context, scripted, body, captured);
    }

    private async Task<JsonElement?> CheckAsync(HttpContext context, string body, string region, string project)
    {
        if (!(context.Request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return await RefuseAsync(context, 400, "INVALID_ARGUMENT", $"Content-Type must be application/json, not '{context.Request.ContentType}'.");
        }

        JsonElement json;
        try
        {
            json = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return await RefuseAsync(context, 400, "INVALID_ARGUMENT", "The request body is not valid JSON.");
        }

        if (Options.ProjectId.Length > 0 && project != Options.ProjectId)
        {
            return await RefuseAsync(context, 404, "NOT_FOUND", $"Project '{project}' not found.");
        }

        if (Options.AppId.Length > 0 && json.ValueKind == JsonValueKind.Object && json.TryGetProperty("app_id", out var app)
            && app.ValueKind == JsonValueKind.String && app.GetString() is { Length: > 0 } appId && appId != Options.AppId)
        {
            return await RefuseAsync(context, 404, "NOT_FOUND", $"App '{appId}' not found in project '{project}'.");
        }

        var violations = StageOneValidator.Check(json);
        if (violations.Count > 0)
        {
            RefusedRequests.Enqueue(string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")));
            Capture(context.Request, body, json, region, project).Outcome = "400 INVALID_ARGUMENT";
            var response = FakeResponse.SinchError(400, "INVALID_ARGUMENT", "Invalid argument", [.. violations]);
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.Body!);
            return null;
        }

        return json;
    }

    private async Task<JsonElement?> RefuseAsync(HttpContext context, int status, string code, string message)
    {
        RefusedRequests.Enqueue(message);
        await WriteErrorAsync(context, status, code, message);
        return null;
    }

    /// <summary>Records a taken message for the list: its first channel identity, metadata and content as sent.</summary>
    private void Keep(string body, string id, DateTimeOffset acceptedAt)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var identity = root.TryGetProperty("recipient", out var recipient) && recipient.TryGetProperty("identified_by", out var by)
            && by.TryGetProperty("channel_identities", out var list) && list.GetArrayLength() > 0 ? list[0] : default;
        string Read(JsonElement parent, string name) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        _listed.Enqueue(new ListedMessage(
            id, acceptedAt, Read(root, "app_id"), Read(identity, "channel"), Read(identity, "identity"), Read(root, "message_metadata"),
            root.TryGetProperty("message", out var message) ? message.GetRawText() : "{}"));
    }

    /// <summary>
    /// <c>GET /v1/projects/{project}/messages</c>: filters <c>app_id</c>, <c>channel</c>, <c>channel_identity</c>,
    /// <c>start_time</c>/<c>end_time</c> (on accept time), pages of <c>page_size</c> (≤ 1000) with <c>page_token</c>.
    /// </summary>
    private async Task ListMessagesAsync(HttpContext context, string project)
    {
        Record(context.Request, "");
        ListRequests.Enqueue(context.Request.QueryString.Value ?? "");
        if (!await AuthenticateAsync(context))
        {
            return;
        }

        if (Options.ProjectId.Length > 0 && project != Options.ProjectId)
        {
            await WriteErrorAsync(context, 404, "NOT_FOUND", $"Project '{project}' not found.");
            return;
        }

        if (Interlocked.Decrement(ref _listFailures) >= 0)
        {
            await WriteErrorAsync(context, 503, "UNAVAILABLE", "The message list is unavailable (injected).");
            return;
        }

        Interlocked.Exchange(ref _listFailures, 0);
        var query = context.Request.Query;
        var pageSize = int.TryParse(query["page_size"], CultureInfo.InvariantCulture, out var size) ? size : 10;
        if (pageSize is < 1 or > 1000)
        {
            await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", "page_size must be between 1 and 1000.");
            return;
        }

        DateTimeOffset? Time(string name) => DateTimeOffset.TryParse(query[name], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;
        var (start, end) = (Time("start_time"), Time("end_time"));
        var listedBefore = DateTimeOffset.UtcNow - Options.ListingDelay;
        var matching = _listed
            .Where(m => m.AcceptTime <= listedBefore)
            .Where(m => string.IsNullOrEmpty(query["app_id"]) || m.AppId == query["app_id"])
            .Where(m => string.IsNullOrEmpty(query["channel"]) || m.Channel == query["channel"])
            .Where(m => string.IsNullOrEmpty(query["channel_identity"]) || m.Identity == query["channel_identity"])
            .Where(m => (start is null || m.AcceptTime >= start) && (end is null || m.AcceptTime <= end))
            .ToList();
        var offset = int.TryParse(query["page_token"], CultureInfo.InvariantCulture, out var token) ? token : 0;
        var page = matching.Skip(offset).Take(pageSize).ToList();
        var messages = new JsonArray();
        foreach (var m in page)
        {
            messages.Add(new JsonObject
            {
                ["id"] = m.Id,
                ["direction"] = "TO_CONTACT",
                ["channel_identity"] = new JsonObject { ["channel"] = m.Channel, ["identity"] = m.Identity, ["app_id"] = "" },
                ["accept_time"] = m.AcceptTime.ToString("O", CultureInfo.InvariantCulture),
                ["app_message"] = JsonNode.Parse(m.AppMessageJson),
                ["metadata"] = m.Metadata,
                ["contact_id"] = "",
                ["conversation_id"] = "",
                ["processing_mode"] = "DISPATCH",
            });
        }

        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["messages"] = messages,
            ["next_page_token"] = offset + page.Count < matching.Count ? (offset + page.Count).ToString(CultureInfo.InvariantCulture) : "",
        });
    }

    private async Task<bool> AuthenticateAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            if (!_issuedTokens.TryGetValue(authorization["Bearer ".Length..], out var valid))
            {
                await UnauthorizedAsync(context, "Bearer error=\"invalid_token\"");
                return false;
            }

            if (!valid)
            {
                await UnauthorizedAsync(context, "Bearer error=\"invalid_token\", error_description=\"token expired\"");
                return false;
            }

            return true;
        }

        if (authorization != BasicValue())
        {
            await UnauthorizedAsync(context, "Basic realm=\"sinch\"");
            return false;
        }

        return true;
    }

    private async Task AcceptAsync(HttpContext context, string body, CapturedMessage captured, TimeSpan bodyDelay = default)
    {
        var now = DateTimeOffset.UtcNow;
        captured.MessageId = Ulid.New(now);
        captured.Outcome = "accepted";
        _deliveries.Enqueue(body);
        Keep(body, captured.MessageId, now);
        if (bodyDelay > TimeSpan.Zero)
        {
            // The status line and headers now, the body later: the client knows Sinch answered but not what it said.
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                await Task.Delay(bodyDelay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                captured.Outcome = "accepted; client gave up waiting for the body";
                return;
            }
        }

        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["message_id"] = captured.MessageId,
            ["accepted_time"] = now.ToString("O", CultureInfo.InvariantCulture),
        });

        if ((captured.CallbackUrl ?? Options.WebhookUrl) is { Length: > 0 } webhook)
        {
            _reports.Enqueue(captured, webhook);
        }
    }

    private async Task AnswerScriptedAsync(HttpContext context, FakeResponse response, string body, CapturedMessage captured)
    {
        if (response.HeldUntil is { } held)
        {
            await held.WaitAsync(context.RequestAborted);
        }

        if (response.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(response.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                captured.Outcome = "client gave up waiting";
                return;
            }
        }

        if (response.ExpiresToken)
        {
            var token = context.Request.Headers.Authorization.ToString();
            if (token.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                _issuedTokens[token["Bearer ".Length..]] = false;
            }

            captured.Outcome = response.Label;
            await UnauthorizedAsync(context, "Bearer error=\"invalid_token\", error_description=\"token expired\"");
            return;
        }

        if (response.ResetBeforeProcessing)
        {
            captured.Outcome = response.Label;
            context.Abort();
            return;
        }

        if (response.AcceptThenReset)
        {
            var now = DateTimeOffset.UtcNow;
            captured.MessageId = Ulid.New(now);
            captured.Outcome = response.Label;
            _deliveries.Enqueue(body);
            Keep(body, captured.MessageId, now);
            context.Abort();
            return;
        }

        if (response.Status == 200 && response.Body is null)
        {
            await AcceptAsync(context, body, captured, response.BodyDelay);
            return;
        }

        captured.Outcome = response.Label.Length > 0 ? response.Label : response.Status.ToString(CultureInfo.InvariantCulture);
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
    }

    private async Task InjectAsync(HttpContext context, SinchFault fault, string body)
    {
        switch (fault)
        {
            case SinchFault.RateLimitedWithRetryAfter:
                context.Response.Headers.RetryAfter = "0";
                await WriteErrorAsync(context, 429, "RESOURCE_EXHAUSTED", "injected");
                break;
            case SinchFault.RateLimitedWithoutRetryAfter:
                await WriteErrorAsync(context, 429, "RESOURCE_EXHAUSTED", "injected");
                break;
            case SinchFault.Unavailable:
                await WriteErrorAsync(context, 503, "UNAVAILABLE", "injected");
                break;
            case SinchFault.ServerErrorAfterProcessing:
                _deliveries.Enqueue(body);
                Keep(body, Ulid.New(DateTimeOffset.UtcNow), DateTimeOffset.UtcNow);
                await WriteErrorAsync(context, 500, "INTERNAL", "injected");
                break;
            case SinchFault.SlowAfterProcessing:
                _deliveries.Enqueue(body);
                Keep(body, Ulid.New(DateTimeOffset.UtcNow), DateTimeOffset.UtcNow);
                try
                {
                    await Task.Delay(SlowDelay, context.RequestAborted);
                    await WriteErrorAsync(context, 500, "INTERNAL", "injected after a delay");
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
                Keep(body, Ulid.New(DateTimeOffset.UtcNow), DateTimeOffset.UtcNow);
                context.Abort();
                break;
        }
    }

    private CapturedMessage Capture(HttpRequest request, string body, JsonElement json, string region, string project)
    {
        string? Read(JsonElement parent, string name) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        var recipient = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("recipient", out var r) ? r : default;
        var identities = recipient.ValueKind == JsonValueKind.Object && recipient.TryGetProperty("identified_by", out var by)
            && by.TryGetProperty("channel_identities", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).ToList()
                : [];
        var message = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var kind = message.ValueKind == JsonValueKind.Object ? string.Join("+", message.EnumerateObject().Select(p => p.Name)) : "?";
        var text = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("text_message", out var t) ? Read(t, "text")
            : message.ValueKind == JsonValueKind.Object && message.TryGetProperty("choice_message", out var c) && c.TryGetProperty("text_message", out var ct) ? Read(ct, "text")
            : null;
        var captured = new CapturedMessage
        {
            Id = Ulid.New(DateTimeOffset.UtcNow),
            ReceivedAt = DateTimeOffset.UtcNow,
            Region = region,
            ProjectId = project,
            AppId = Read(json, "app_id"),
            Channels = [.. identities.Select(i => Read(i, "channel") ?? "?")],
            Identities = [.. identities.Select(i => Read(i, "identity") ?? "")],
            ContactId = Read(recipient, "contact_id"),
            Kind = kind,
            Text = text,
            CorrelationId = Read(json, "correlation_id"),
            MessageMetadata = Read(json, "message_metadata"),
            CallbackUrl = Read(json, "callback_url"),
            Outcome = "received",
            RequestBody = body,
            RequestHeaders = request.Headers.ToDictionary(
                h => h.Key,
                h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase) ? h.Value.ToString().Split(' ')[0] + " (redacted)" : h.Value.ToString(),
                StringComparer.OrdinalIgnoreCase),
        };
        _captured.Enqueue(captured);
        while (_captured.Count > Options.MaxCaptured && _captured.TryDequeue(out _))
        {
        }

        return captured;
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
        await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["status"] = statusName } });
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

    private string BasicValue() => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Options.KeyId}:{Options.KeySecret}"));

    [GeneratedRegex(@"^(?:/(?<region>us|eu|br))?/v1/projects/(?<project>[^/]+)/messages(?::|%3A)send$", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex SendPath();
}
