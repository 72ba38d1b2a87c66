using Azure.Core;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ConversationSender.Functions;
using ConversationSender.RateLimiting;
using ConversationSender.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.LoadHarness;

/// <summary>
/// One app instance for the fleet runs: the app's own services over in-memory settings, and — when the fleet budget
/// is on — its rebalance loop, as <see cref="FleetShareService"/> runs it. Without the loop the instance stays at the
/// static share it starts with: the "before".
/// </summary>
internal sealed class FleetHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _rebalancing;

    public FleetHost(Dictionary<string, string?> settings, bool fleetBudget)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TokenCredential>(new FakeTokenCredential())
            .AddSenderServices(configuration)
            .BuildServiceProvider();
        _rebalancing = fleetBudget ? RebalanceAsync(Get<FleetShare>(), Get<Microsoft.Extensions.Options.IOptions<RateBudgetOptions>>().Value.RateBudgetRebalanceInterval, _stopping.Token) : Task.CompletedTask;
    }

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>
    /// What the host's queue listener does (receive 16, run them, delete on success, make visible again on "not
    /// sent"), until the queue is empty. Returns the messages this instance completed.
    /// </summary>
    public async Task<int> DrainAsync(string connectionString, string queueName, TimeSpan deadline)
    {
        var function = ActivatorUtilities.CreateInstance<SendMessageQueueFunction>(_provider);
        var queue = new QueueClient(connectionString, queueName);
        using var timeout = new CancellationTokenSource(deadline);
        var completed = 0;
        var emptyPolls = 0;
        while (!timeout.IsCancellationRequested)
        {
            var batch = (await queue.ReceiveMessagesAsync(16, TimeSpan.FromMinutes(2), CancellationToken.None)).Value;
            if (batch.Length == 0)
            {
                if (++emptyPolls >= 3 && (await queue.GetPropertiesAsync(CancellationToken.None)).Value.ApproximateMessagesCount == 0)
                {
                    return completed;
                }

                await Task.Delay(100, CancellationToken.None);
                continue;
            }

            emptyPolls = 0;
            var done = await Task.WhenAll(batch.Select(m => RunOneAsync(function, queue, m)));
            completed += done.Count(d => d);
        }

        throw new TimeoutException($"The queue {queueName} was not drained within {deadline}.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _rebalancing;
        _stopping.Dispose();
        await _provider.DisposeAsync();
    }

    private static async Task<bool> RunOneAsync(SendMessageQueueFunction function, QueueClient queue, QueueMessage raw)
    {
        var decoded = BinaryData.FromBytes(Convert.FromBase64String(raw.Body.ToString()));
        try
        {
            await function.RunAsync(QueuesModelFactory.QueueMessage(raw.MessageId, raw.PopReceipt, decoded, raw.DequeueCount, raw.NextVisibleOn, raw.InsertedOn, raw.ExpiresOn), CancellationToken.None);
        }
        catch (MessageNotSentException)
        {
            // Not sent, try again: visible again shortly, as the host does after visibilityTimeout.
            await queue.UpdateMessageAsync(raw.MessageId, raw.PopReceipt, visibilityTimeout: TimeSpan.FromMilliseconds(200));
            return false;
        }

        await queue.DeleteMessageAsync(raw.MessageId, raw.PopReceipt);
        return true;
    }

    private static async Task RebalanceAsync(FleetShare share, TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                await share.RebalanceAsync(cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Stopped: the leases run out on their own.
        }
    }
}
