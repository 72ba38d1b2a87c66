using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ConversationSender.Sandbox;

// messages:send: authentication, Sinch's first-stage checks, then a scripted answer, an injected fault or acceptance.
public sealed partial class SinchSandbox
{
    private void MapSendRoutes()
    {
        // messages:send, with the region in the host (eu.…) or as a path prefix (/eu/v1/…) so one sandbox serves all three.
        _app.MapFallback(HandleSendAsync);
    }

    private async Task HandleSendAsync(HttpContext context)
    {
        var request = context.Request;
        var match = SendPath().Match(request.Path.Value ?? "");
        if (request.Method != "POST" || !match.Success)
        {
            // Sinch answers an unknown route with its JSON error envelope, as any other error.
            SandboxLog.UnknownRoute(_logger, request.Method, request.Path);
            await WriteErrorAsync(context, 404, "NOT_FOUND", $"No such route: {request.Method} {request.Path}.");
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

        var violations = StageOneValidator.Check(json, Options);
        if (violations.Count > 0)
        {
            var reason = string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
            RefusedRequests.Enqueue(reason);
            SandboxLog.Refused(_logger, context.Request.Method, context.Request.Path, 400, reason);
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
        SandboxLog.Refused(_logger, context.Request.Method, context.Request.Path, status, message);
        RefusedRequests.Enqueue(message);
        await WriteErrorAsync(context, status, code, message);
        return null;
    }

    private async Task AcceptAsync(HttpContext context, string body, CapturedMessage captured, TimeSpan bodyDelay = default)
    {
        var now = DateTimeOffset.UtcNow;
        captured.MessageId = Ulid.New(now);
        captured.Outcome = "accepted";
        SandboxLog.Accepted(_logger, captured.MessageId, captured.Kind, string.Join(", ", captured.Channels.DefaultIfEmpty("contact")));
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

        await SinchWire.WriteAsync(context, new JsonObject
        {
            ["message_id"] = captured.MessageId,
            ["accepted_time"] = SinchWire.Timestamp(now),
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
        SandboxLog.Answered(_logger, captured.Outcome);
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

    private CapturedMessage Capture(HttpRequest request, string body, JsonElement json, string region, string project)
    {
        string? Read(JsonElement parent, string name) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        var recipient = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("recipient", out var r) ? r : default;
        var identities = recipient.ValueKind == JsonValueKind.Object && recipient.TryGetProperty("identified_by", out var by)
            && by.ValueKind == JsonValueKind.Object && by.TryGetProperty("channel_identities", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).ToList()
                : [];
        var message = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var kind = message.ValueKind == JsonValueKind.Object ? string.Join("+", message.EnumerateObject().Select(p => p.Name)) : "?";
        var text = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("text_message", out var t) ? Read(t, "text")
            : message.ValueKind == JsonValueKind.Object && message.TryGetProperty("choice_message", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("text_message", out var ct) ? Read(ct, "text")
            : null;
        var route = DeliveryRoute.Of(json, Options, _contacts);
        var captured = new CapturedMessage
        {
            Id = Ulid.New(DateTimeOffset.UtcNow),
            ReceivedAt = DateTimeOffset.UtcNow,
            Region = region,
            ProjectId = project,
            AppId = Read(json, "app_id"),
            Channels = [.. identities.Select(i => Read(i, "channel") ?? "?")],
            Identities = [.. identities.Select(i => Read(i, "identity") ?? "")],
            ContactId = route.ContactId.Length > 0 ? route.ContactId : null,
            Route = route,
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

    [GeneratedRegex(@"^(?:/(?<region>us|eu|br))?/v1/projects/(?<project>[^/]+)/messages(?::|%3A)send$", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex SendPath();
}
