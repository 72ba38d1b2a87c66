using System.Diagnostics.Metrics;

namespace ConversationSender.Telemetry;

/// <summary>
/// The sender's instruments (meter <see cref="MeterName"/>), exported with the app's OpenTelemetry when a connection
/// string is set. Tags take a few known values only (outcomes, channels, results), never ids, keys or identities.
/// </summary>
public sealed class SenderMetrics
{
    public const string MeterName = "ConversationSender";

    private readonly Counter<long> _sends;
    private readonly Histogram<double> _sendDuration;
    private readonly Counter<long> _reconciliations;
    private readonly Histogram<double> _queueMessageAge;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _keyVaultReads;
    private readonly Counter<long> _tokenRequests;
    private readonly Counter<long> _callbacks;

    public SenderMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _sends = meter.CreateCounter<long>("conversation_sender.sends", "{send}",
            "Sends by outcome (accepted, replayed, rejected, transient, unconfirmed, in_progress, key_reused, misconfigured) and channel.");
        _sendDuration = meter.CreateHistogram<double>("conversation_sender.send.duration", "s",
            "Time from a message's arrival at the send service to its outcome, by outcome.");
        _reconciliations = meter.CreateCounter<long>("conversation_sender.reconciliations", "{lookup}",
            "Lookups of an ambiguous send in Sinch's message list: reconciled_sent, reconciled_not_sent, not_listed_yet, parked_unconfirmed, resent_unreconciled.");
        _queueMessageAge = meter.CreateHistogram<double>("conversation_sender.queue.message_age", "s",
            "How long a queue message waited on the send queue before the trigger processed it.");
        _deadLetters = meter.CreateCounter<long>("conversation_sender.dead_letters", "{message}",
            "Messages dead-lettered, by outcome (rejected, key_reused, gave_up, unconfirmed).");
        _keyVaultReads = meter.CreateCounter<long>("conversation_sender.key_vault.reads", "{read}",
            "Secret reads from Key Vault, by result (ok, failed).");
        _tokenRequests = meter.CreateCounter<long>("conversation_sender.sinch.token_requests", "{request}",
            "Requests to Sinch's OAuth token endpoint, by result (issued, refused, failed).");
        _callbacks = meter.CreateCounter<long>("conversation_sender.callbacks", "{callback}",
            "Sinch callbacks received, by result (accepted, unauthorized, invalid, unavailable).");
    }

    public void Sent(string outcome, string channel, TimeSpan duration)
    {
        _sends.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("channel", channel));
        _sendDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void Reconciled(string result) => _reconciliations.Add(1, new KeyValuePair<string, object?>("result", result));

    public void QueueMessageProcessed(TimeSpan age) => _queueMessageAge.Record(Math.Max(0, age.TotalSeconds));

    public void DeadLettered(string outcome) => _deadLetters.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void KeyVaultRead(bool succeeded) => _keyVaultReads.Add(1, new KeyValuePair<string, object?>("result", succeeded ? "ok" : "failed"));

    public void TokenRequested(string result) => _tokenRequests.Add(1, new KeyValuePair<string, object?>("result", result));

    public void CallbackReceived(string result) => _callbacks.Add(1, new KeyValuePair<string, object?>("result", result));
}
