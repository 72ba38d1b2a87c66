using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace ConversationSender.IntegrationTests.Infrastructure;

/// <summary>
/// What the Functions host does with a queue trigger, against real storage: receive a batch (raw), decode base64,
/// call the function; delete on success; on a throw make the message visible again after
/// <c>visibilityTimeout</c>, or copy it to <c>-poison</c> on the last attempt (<c>maxDequeueCount</c>).
/// It can also "crash" after a successful call, before the delete, so that the message is redelivered.
/// The host retries whatever the function throws; the product means only <see cref="MessageNotSentException"/>
/// ("not sent, try again"), so anything else is retried as the host would and also recorded as unexpected (a bug
/// that a retry would hide).
/// </summary>
public sealed class QueueHostSimulator(string connectionString, string queueName, Func<QueueMessage, CancellationToken, Task> function)
{
    public QueueHostSimulator(string connectionString, string queueName, Func<QueueMessage, Task> function)
        : this(connectionString, queueName, (message, _) => function(message))
    {
    }

    private readonly QueueClient _queue = new(connectionString, queueName);
    private readonly QueueClient _poison = new(connectionString, queueName + "-poison");

    public int MaxDequeueCount { get; init; } = 5;

    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a received message stays invisible while its function runs (the host renews a 10 min lease).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(10);

    public int BatchSize { get; init; } = 16;

    /// <summary>Chance that the host dies after a successful call and before deleting the message.</summary>
    public double CrashAfterSuccess { get; init; }

    public Random Random { get; init; } = new(1);

    public int Invocations => _invocations;

    public int Failures => _failures;

    public int Poisoned => _poisoned;

    public int StorageErrors => _storageErrors;

    /// <summary>Exceptions other than the product's deliberate "retry me", by type and message.</summary>
    public ConcurrentQueue<string> UnexpectedFailures { get; } = new();

    /// <summary>Called with the decoded body of each message whose successful run is followed by a crash.</summary>
    public Action<string>? OnCrashAfterSuccess { get; init; }

    /// <summary>Chance that the worker dies between Sinch's answer and its bookkeeping (needs <see cref="MidSendCrash"/> in the host).</summary>
    public double CrashMidSend { get; init; }

    /// <summary>Called with the decoded body of each message whose worker died mid-send.</summary>
    public Action<string>? OnCrashMidSend { get; init; }

    public int CrashesMidSend => _crashesMidSend;

    private int _crashesMidSend;

    private int _invocations;
    private int _failures;
    private int _poisoned;
    private int _storageErrors;

    /// <summary>Runs until the queue is empty (in-flight messages included) or the deadline passes.</summary>
    public async Task<bool> RunUntilDrainedAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        var emptyPolls = 0;
        while (!timeout.IsCancellationRequested)
        {
            QueueMessage[] batch;
            try
            {
                batch = (await _queue.ReceiveMessagesAsync(BatchSize, Lease, timeout.Token)).Value;
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException)
            {
                Interlocked.Increment(ref _storageErrors);
                await Task.Delay(200, CancellationToken.None);
                continue;
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (batch.Length == 0)
            {
                if (++emptyPolls >= 3 && await CountAsync() == 0)
                {
                    return true;
                }

                await Task.Delay(100, CancellationToken.None);
                continue;
            }

            emptyPolls = 0;
            await Task.WhenAll(batch.Select(ProcessAsync));
        }

        return false;
    }

    private async Task<int> CountAsync()
    {
        try
        {
            return (await _queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException)
        {
            return -1;
        }
    }

    private async Task ProcessAsync(QueueMessage raw)
    {
        try
        {
            if (raw.DequeueCount > MaxDequeueCount)
            {
                await MoveToPoisonAsync(raw);
                return;
            }

            var decoded = BinaryData.FromBytes(Convert.FromBase64String(raw.Body.ToString()));
            var message = QueuesModelFactory.QueueMessage(raw.MessageId, raw.PopReceipt, decoded, raw.DequeueCount, raw.NextVisibleOn, raw.InsertedOn, raw.ExpiresOn);
            Interlocked.Increment(ref _invocations);
            using var invocation = new CancellationTokenSource();
            bool armed;
            lock (Random)
            {
                armed = Random.NextDouble() < CrashMidSend;
            }

            try
            {
                if (armed)
                {
                    MidSendCrash.Arm(invocation);
                }

                await function(message, invocation.Token);
            }
            catch (OperationCanceledException) when (invocation.IsCancellationRequested)
            {
                // The worker died mid-send: nothing after Sinch's answer ran; the lease lapses and the message comes back.
                Interlocked.Increment(ref _crashesMidSend);
                OnCrashMidSend?.Invoke(decoded.ToString());
                await _queue.UpdateMessageAsync(raw.MessageId, raw.PopReceipt, visibilityTimeout: VisibilityTimeout);
                return;
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _failures);
                if (ex is not ConversationSender.Functions.MessageNotSentException)
                {
                    UnexpectedFailures.Enqueue($"{ex.GetType().Name}: {ex.Message}");
                }

                if (raw.DequeueCount >= MaxDequeueCount)
                {
                    await MoveToPoisonAsync(raw);
                }
                else
                {
                    await _queue.UpdateMessageAsync(raw.MessageId, raw.PopReceipt, visibilityTimeout: VisibilityTimeout);
                }

                return;
            }

            bool crash;
            lock (Random)
            {
                crash = Random.NextDouble() < CrashAfterSuccess;
            }

            if (crash)
            {
                // The lease lapses and the message comes back, as after a host crash.
                OnCrashAfterSuccess?.Invoke(decoded.ToString());
                await _queue.UpdateMessageAsync(raw.MessageId, raw.PopReceipt, visibilityTimeout: VisibilityTimeout);
                return;
            }

            await _queue.DeleteMessageAsync(raw.MessageId, raw.PopReceipt);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException)
        {
            // Storage itself is down: the message reappears when its lease lapses, as with the real host.
            Interlocked.Increment(ref _storageErrors);
        }
    }

    private async Task MoveToPoisonAsync(QueueMessage raw)
    {
        await _poison.CreateIfNotExistsAsync();
        await _poison.SendMessageAsync(raw.Body.ToString());
        await _queue.DeleteMessageAsync(raw.MessageId, raw.PopReceipt);
        Interlocked.Increment(ref _poisoned);
    }
}
