using System.ComponentModel.DataAnnotations;

namespace ConversationSender.Queueing;

/// <summary>Bound from the <c>SendQueue</c> configuration section, except the queue's name (<see cref="QueueNameSettingName"/>).</summary>
public sealed class SendQueueOptions
{
    public const string SectionName = "SendQueue";

    /// <summary>
    /// A flat app setting, not <c>SendQueue__QueueName</c>: the trigger names it as <c>%SendQueueName%</c>, and the
    /// platform's scale controller, which reads it to watch the queue, has not always mapped <c>:</c> to <c>__</c>.
    /// </summary>
    public const string QueueNameSettingName = "SendQueueName";

    /// <summary>The name this setting had before; set, it stops start-up rather than being silently ignored.</summary>
    public const string RenamedQueueNameSetting = "SendQueue:QueueName";

    /// <summary>
    /// The app setting holding the queue's storage connection. The trigger attribute names it at compile
    /// time, so it is fixed; point it at any account (a connection string, or <c>SendQueueStorage__queueServiceUri</c>
    /// with a managed identity).
    /// </summary>
    public const string ConnectionSettingName = Storage.SendQueueStorageConnection.SettingName;

    /// <summary>Queue names are 3-63 lower-case letters, digits and dashes; 56 leaves room for the host's "-poison".</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$", ErrorMessage = "SendQueueName must be 3-56 lower-case letters, digits and single dashes.")]
    public string QueueName { get; set; } = "outbound-messages";

    /// <summary>Where permanently failed messages go, with the reason; defaults to <c>{QueueName}-failed</c>.</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "SendQueue:DeadLetterQueueName must be a valid queue name.")]
    public string? DeadLetterQueueName { get; set; }

    /// <summary>The first wait before a failed message's next attempt; it doubles with each attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts of one message.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How soon a message that failed because Sinch itself is down (503, 5xx, no connection, the open circuit) is
    /// checked again, jittered ±25 %, instead of the doubling back-off: the whole backlog goes out within about
    /// this plus <c>Sinch:CircuitBreakerBreakDuration</c> after Sinch is back. While the circuit is open a check
    /// costs Sinch nothing (no call), only a queue write.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan OutageRecheckDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a message that keeps failing transiently (or while misconfigured) is retried before it is
    /// dead-lettered with the last reason. At most 7 days, the queue's message lifetime.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MaxRetryAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a dead letter (and an original kept in a blob beside it) is kept for a person to look at: it holds
    /// phone numbers and texts, so not forever. Replay or export within it.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan DeadLetterRetention { get; set; } = TimeSpan.FromDays(14);

    public string ResolvedDeadLetterQueueName => string.IsNullOrWhiteSpace(DeadLetterQueueName) ? $"{QueueName}-failed" : DeadLetterQueueName;
}
