namespace ConversationSender.Sandbox;

/// <summary>A request to answer the next <see cref="Count"/> sends with a fault (page form or <c>POST /api/faults</c>).</summary>
public sealed class FaultSwitch
{
    public static readonly IReadOnlyList<string> Kinds =
        ["rate_limited", "rate_limited_no_retry_after", "server_error", "unavailable", "token_expired", "delay", "accepted_then_reset", "reset_before_processing", "list_unavailable", "tokens_revoked", "channel_down"];

    public string Kind { get; set; } = "";

    public int Count { get; set; } = 1;

    /// <summary>For <c>delay</c>: how long before accepting; for <c>rate_limited</c>: the Retry-After seconds.</summary>
    public int? DelayMs { get; set; }

    public int? RetryAfterSeconds { get; set; }

    /// <summary>For <c>channel_down</c>: the channel whose deliveries fail (Sinch switches to the next one).</summary>
    public string? Channel { get; set; }

    public FakeResponse? ToResponse() => Kind switch
    {
        "rate_limited" => FakeResponse.RateLimited(RetryAfterSeconds ?? 1),
        "rate_limited_no_retry_after" => FakeResponse.RateLimited(null),
        "server_error" => FakeResponse.SinchError(500, "INTERNAL", "Injected by the sandbox"),
        "unavailable" => FakeResponse.Unavailable(RetryAfterSeconds),
        "token_expired" => FakeResponse.TokenExpired(),
        "delay" => FakeResponse.Slow(TimeSpan.FromMilliseconds(Math.Clamp(DelayMs ?? 2000, 0, 120_000))),
        "accepted_then_reset" => FakeResponse.AcceptedThenReset(),
        "reset_before_processing" => FakeResponse.ResetBeforeAccepting(),
        _ => null,
    };
}
