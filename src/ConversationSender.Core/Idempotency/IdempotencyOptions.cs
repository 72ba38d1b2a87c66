using System.ComponentModel.DataAnnotations;

namespace ConversationSender.Idempotency;

/// <summary>Bound from the <c>Idempotency</c> configuration section.</summary>
public sealed class IdempotencyOptions
{
    public const string SectionName = "Idempotency";

    /// <summary>Off: keys are ignored and every request is sent (no table storage needed).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The table in the send queue's storage account that holds the keys.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Idempotency:TableName must be 3-63 letters and digits, starting with a letter.")]
    public string TableName { get; set; } = "sendidempotency";

    /// <summary>How long a key remembers its message: a repeat within it is answered from the table.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// After this long, a claim whose sender never reported back (a crashed instance) may be taken over.
    /// Longer than Sinch:TotalTimeout, so that a slow send in progress is never doubled.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan InFlightTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
