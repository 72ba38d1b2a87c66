using System.Diagnostics.Metrics;

namespace ConversationSender.Sending;

/// <summary>
/// The sender's counters (meter <see cref="MeterName"/>), exported with the rest of the app's OpenTelemetry: how sends
/// ended and what reconciling ambiguous sends found, so an operator can chart and alert on them.
/// </summary>
public sealed class SendMetrics
{
    public const string MeterName = "ConversationSender";

    private readonly Counter<long> _sends;
    private readonly Counter<long> _reconciliations;

    public SendMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _sends = meter.CreateCounter<long>("conversation_sender.sends", unit: "{send}",
            description: "Sends by how they ended: accepted, replayed, rejected, transient, unconfirmed, in_progress, key_reused, misconfigured.");
        _reconciliations = meter.CreateCounter<long>("conversation_sender.reconciliations", unit: "{lookup}",
            description: "Lookups of an ambiguous send in Sinch's message list: reconciled_sent, reconciled_not_sent, not_listed_yet, parked_unconfirmed, resent_unreconciled.");
    }

    public void Sent(SendOutcome outcome) => _sends.Add(1, new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));

    public void Reconciled(ReconciliationResult result) => _reconciliations.Add(1, new KeyValuePair<string, object?>("result", result switch
    {
        ReconciliationResult.Sent => "reconciled_sent",
        ReconciliationResult.NotSent => "reconciled_not_sent",
        ReconciliationResult.NotListedYet => "not_listed_yet",
        ReconciliationResult.ParkedUnconfirmed => "parked_unconfirmed",
        ReconciliationResult.ResentUnreconciled => "resent_unreconciled",
        _ => throw new ArgumentOutOfRangeException(nameof(result)),
    }));

    private static string OutcomeName(SendOutcome outcome) => outcome switch
    {
        SendOutcome.Accepted { Replayed: true } => "replayed",
        SendOutcome.Accepted => "accepted",
        SendOutcome.Rejected => "rejected",
        SendOutcome.Transient => "transient",
        SendOutcome.Unconfirmed => "unconfirmed",
        SendOutcome.InProgress => "in_progress",
        SendOutcome.KeyReused => "key_reused",
        SendOutcome.Misconfigured => "misconfigured",
        _ => "other",
    };
}
