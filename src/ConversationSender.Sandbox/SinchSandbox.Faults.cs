using System.Globalization;

namespace ConversationSender.Sandbox;

// Fault switches: scripted answers for the next sends, the fault plan of fault-injection runs, and their routes.
public sealed partial class SinchSandbox
{
    private void MapFaultRoutes()
    {
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
        _app.MapGet("/api/faults", () => Results.Json(PendingFaults(), SandboxJsonContext.Default.IReadOnlyListString));
        _app.MapPost("/api/faults", (FaultSwitch fault) => AddFaults(fault) ? Results.Accepted() : Results.BadRequest($"kind must be one of {string.Join(", ", FaultSwitch.Kinds)} (channel_down needs a channel)"));
        _app.MapDelete("/api/faults", () =>
        {
            _scripted.Clear();
            _downChannels.Clear();
            return Results.NoContent();
        });
    }

    private bool AddFaults(FaultSwitch fault)
    {
        if (fault.Kind == "tokens_revoked")
        {
            // Not per send: every token issued so far, at once (a key rotated or deleted at Sinch).
            RevokeIssuedTokens();
            return true;
        }

        if (fault.Kind == "channel_down")
        {
            // Until the faults are cleared: deliveries on it fail, and Sinch moves on to the next channel of the route.
            if (fault.Channel is not { } channel || !StageOneValidator.Channels.Contains(channel))
            {
                return false;
            }

            _downChannels[channel] = true;
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
        .. _downChannels.Keys.Order(StringComparer.Ordinal).Select(c => $"{c} down (deliveries switch channel)"),
    ];

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
}
