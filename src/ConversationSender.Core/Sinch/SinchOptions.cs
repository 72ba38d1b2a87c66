using System.ComponentModel.DataAnnotations;

namespace ConversationSender.Sinch;

/// <summary>Bound from the <c>Sinch</c> configuration section.</summary>
public sealed class SinchOptions
{
    public const string SectionName = "Sinch";

    public static readonly IReadOnlyList<string> Regions = ["us", "eu", "br"];

    /// <summary>Where the Conversation app lives: us, eu or br. A mismatch makes Sinch answer 404.</summary>
    public string Region { get; set; } = "us";

    /// <summary>Overrides the regional URL (tests, proxies).</summary>
    public string? ConversationBaseUrl { get; set; }

    public string AuthBaseUrl { get; set; } = "https://auth.sinch.com";

    public SinchAuthMode AuthMode { get; set; } = SinchAuthMode.OAuth2;

    /// <summary>Credentials for runs without Key Vault (local settings); ignored when KeyVault:VaultUri is set.</summary>
    public string? ProjectId { get; set; }

    public string? AppId { get; set; }

    public string? KeyId { get; set; }

    public string? KeySecret { get; set; }

    /// <summary>Read the credentials and fetch a token in the background at start-up, before the first send needs them.</summary>
    public bool WarmUpOnStart { get; set; } = true;

    /// <summary>One HTTP attempt; a send that times out is not retried because Sinch may have accepted it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>All attempts of one send, retries and their waits included; capped well below the ~230 s HTTP limit.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:03:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries on 429, 503 and connection failures (never on 500 or timeouts: send is not idempotent).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between retries, including one asked for by <c>Retry-After</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Also retry in-call after a 500/502/504 or an attempt timeout. Off by default: Sinch may have taken the
    /// message, and messages:send has no idempotency, so a retry may deliver it twice.
    /// </summary>
    public bool RetryAmbiguousFailures { get; set; }

    /// <summary>Share of failed attempts (5xx, 408, 429, timeouts, connection errors) that opens the circuit.</summary>
    [Range(0.05, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts within the sampling window before the breaker may open.</summary>
    [Range(2, 10_000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long sends fail fast (as transient) once the circuit opens, sparing Sinch and the queue's attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Where Sinch's message list looks when an ambiguous send is reconciled: <c>DISPATCH_SOURCE</c> for apps in
    /// Dispatch processing mode (the default for apps created since April 2025), <c>CONVERSATION_SOURCE</c> otherwise.
    /// </summary>
    [RegularExpression("^(DISPATCH_SOURCE|CONVERSATION_SOURCE)$", ErrorMessage = "Sinch:MessagesSource must be DISPATCH_SOURCE or CONVERSATION_SOURCE.")]
    public string MessagesSource { get; set; } = "DISPATCH_SOURCE";

    /// <summary>How long after an ambiguous attempt a message missing from Sinch's list counts as not sent (Sinch lists with a delay).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ReconcileSettleTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A cached OAuth token is replaced this long before it expires.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:30:00")]
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromSeconds(60);

    public Uri ResolveConversationBaseUrl() =>
        WithTrailingSlash(string.IsNullOrWhiteSpace(ConversationBaseUrl)
            ? $"https://{Region.ToLowerInvariant()}.conversation.api.sinch.com/"
            : ConversationBaseUrl);

    public Uri ResolveAuthBaseUrl() => WithTrailingSlash(AuthBaseUrl);

    private static Uri WithTrailingSlash(string url) => new(url.EndsWith('/') ? url : url + "/", UriKind.Absolute);
}
