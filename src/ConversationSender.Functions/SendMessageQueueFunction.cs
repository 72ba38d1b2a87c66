using Azure.Storage.Queues.Models;
using ConversationSender.Queueing;
using ConversationSender.Sending;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.Functions;

/// <summary>
/// Sends each message put on the send queue. Accepted: done. Rejected: dead-lettered with the reason, not
/// retried. Transient: thrown, so the host retries; the last attempt dead-letters. Misconfigured: thrown
/// every time, so the message survives (in the host's poison queue at worst) until the setting is fixed.
/// In progress elsewhere: thrown, except on the last delivery, where a copy under the same key is queued for later.
/// </summary>
public sealed class SendMessageQueueFunction(
    SendService sendService,
    DeadLetterWriter deadLetters,
    SendQueueWriter requeue,
    IOptions<SendQueueOptions> options,
    TimeProvider time,
    ILogger<SendMessageQueueFunction> logger)
{
    [Function("SendMessageFromQueue")]
    public async Task RunAsync(
        [QueueTrigger("%" + SendQueueOptions.QueueNameSettingName + "%", Connection = SendQueueOptions.ConnectionSettingName)] QueueMessage message,
        CancellationToken cancellationToken)
    {
        // Without a key of its own, a message is known by its queue id: a redelivery after a crash is not sent twice.
        var fallbackKey = $"queue:{options.Value.QueueName}:{message.MessageId}";
        var outcome = await sendService.SendAsync(message.Body, idempotencyKey: null, fallbackKey, cancellationToken);
        switch (outcome)
        {
            case SendOutcome.Accepted:
                return;

            case SendOutcome.Rejected rejected:
                await DeadLetterAsync(message, "rejected", rejected.Reason, rejected, cancellationToken);
                return;

            case SendOutcome.KeyReused reused:
                await DeadLetterAsync(message, "key_reused", $"Its idempotency key was first used at {reused.FirstUsedAt:O} for a message with other content; not sent.", null, cancellationToken);
                return;

            case SendOutcome.Transient transient when message.DequeueCount >= options.Value.MaxDequeueCount:
                await DeadLetterAsync(message, "gave_up", $"Still failing after {message.DequeueCount} attempts: {transient.Reason}", null, cancellationToken, transient);
                return;

            case SendOutcome.Transient transient:
                throw new MessageNotSentException($"Attempt {message.DequeueCount} of {options.Value.MaxDequeueCount} failed: {transient.Reason}");

            case SendOutcome.InProgress when message.DequeueCount >= options.Value.MaxDequeueCount:
                await requeue.RequeueInProgressAsync(message.Body, fallbackKey, cancellationToken);
                logger.LogWarning("Queue message {QueueMessageId} is still being sent elsewhere on its last delivery; a copy under the same key checks again later.", message.MessageId);
                return;

            case SendOutcome.InProgress inProgress:
                throw new MessageNotSentException($"Another attempt at this message is in progress since {inProgress.Since:O}.");

            case SendOutcome.Misconfigured misconfigured:
                throw new MessageNotSentException($"Not sent until {misconfigured.SettingName} is fixed: {misconfigured.Reason}");
        }
    }

    private async Task DeadLetterAsync(
        QueueMessage message,
        string outcome,
        string reason,
        SendOutcome.Rejected? rejected,
        CancellationToken cancellationToken,
        SendOutcome.Transient? transient = null)
    {
        await deadLetters.WriteAsync(new DeadLetterEntry
        {
            Outcome = outcome,
            Reason = reason,
            Errors = rejected?.Errors.Count > 0 ? rejected.Errors : null,
            UpstreamStatus = (int?)(rejected?.UpstreamStatus ?? transient?.UpstreamStatus),
            SinchStatus = rejected?.SinchStatus,
            OriginalMessageId = message.MessageId,
            QueueName = options.Value.QueueName,
            DequeueCount = message.DequeueCount,
            InsertedOn = message.InsertedOn,
            FailedOn = time.GetUtcNow(),
            OriginalMessage = message.Body.ToString(),
        }, cancellationToken);

        logger.LogWarning("Queue message {QueueMessageId} moved to {DeadLetterQueue} ({Outcome}).", message.MessageId, deadLetters.QueueName, outcome);
    }
}
