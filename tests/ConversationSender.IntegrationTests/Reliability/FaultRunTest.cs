using System.Text.Json.Nodes;
using Azure.Storage.Queues;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>
/// What the fault runs share: their settings, the traffic they produce (some messages invalid, some reusing a key),
/// and how they tell, afterwards, what became of each message.
/// </summary>
public abstract class FaultRunTest
{
    // 2,000 in the suite; FAULT_RUN_MESSAGES=5000 (and FAULT_RUN_UPDATE_DOCS=1 to write docs/reliability.md) for the long run.
    protected static readonly int MessageCount = int.TryParse(Environment.GetEnvironmentVariable("FAULT_RUN_MESSAGES"), out var n) && n >= 1000 ? n : 2000;

    protected static void ConfigureForFaultRun(Dictionary<string, string?> settings, string storage, string queueName)
    {
        settings["SendQueueStorage"] = storage;
        settings["SendQueueName"] = queueName;
        settings["Sinch:AttemptTimeout"] = "00:00:03";
        settings["Sinch:TotalTimeout"] = "00:00:05";
        settings["Sinch:MaxRetries"] = "2";
        settings["Sinch:RetryBaseDelay"] = "00:00:00.010";
        settings["Sinch:MaxRetryDelay"] = "00:00:00.200";
        settings["Sinch:TokenRefreshMargin"] = "00:00:01";
        settings["Sinch:RequestsPerSecondBudget"] = "100000";

        // The run's 429s are drawn at random, not a rate Sinch enforces: the CUBIC cut (tested on its own) would only
        // stretch the drain past the run's deadline.
        settings["Sinch:AdaptOnThrottling"] = "false";
        settings["KeyVault:CacheDuration"] = "00:00:01";
        settings["KeyVault:NetworkTimeout"] = "00:00:02";
        settings["Idempotency:InFlightTimeout"] = "00:00:13"; // above the longest send: 2 s of vault reads + 2 × 5 s
        settings["SendQueue:RetryBaseDelay"] = "00:00:00.200";
        settings["SendQueue:OutageRecheckDelay"] = "00:00:00.200";
        settings["KeyVault:FailureBackoff"] = "00:00:00.500";
        settings["Sinch:ReconcileSettleTime"] = "00:00:00"; // the sandbox lists a message as soon as it takes it
        settings["SendQueue:RetryMaxDelay"] = "00:00:02";
    }

    /// <summary>
    /// Sinch's faults drawn at random from a fixed seed (the same run each time): each send draws once and meets the
    /// first fault whose share it falls under, or none. The shares are cumulative, as in <c>roll &lt; 0.04</c>.
    /// </summary>
    protected static Func<SinchFault> RandomFaults(int seed, params (double Below, SinchFault Fault)[] shares)
    {
        var random = new Random(seed);
        return () =>
        {
            double roll;
            lock (random)
            {
                roll = random.NextDouble();
            }

            foreach (var (below, fault) in shares)
            {
                if (roll < below)
                {
                    return fault;
                }
            }

            return SinchFault.None;
        };
    }

    protected static string MessageFor(int i)
    {
        var id = $"fault-{i:D5}";
        var identity = $"+467{10_000_000 + (i * 7919 % 89_999_999):D8}";
        var channel = IsInvalid(id) ? "SMSS" : (i % 3 == 0 ? "WHATSAPP" : "SMS");
        var key = ReusePairOf(id) is { } pair ? $", \"idempotency_key\": \"reused-{pair.Pair}\""
            : i % 4 == 0 ? $", \"idempotency_key\": \"order-{i}\"" : "";
        return $$"""{ "to": { "channel": "{{channel}}", "identity": "{{identity}}" }, "text": "Your code is {{i:D6}}", "correlation_id": "{{id}}"{{key}} }""";
    }

    // Messages 7 and 8 of every 50 share one idempotency key with different texts: a key reused for another message.
    protected static (int Pair, bool First)? ReusePairOf(string id) =>
        int.Parse(id[6..], System.Globalization.CultureInfo.InvariantCulture) is var i && i % 50 is 7 or 8 ? (i / 50, i % 50 == 7) : null;

    protected static string SecondOfPair(string first) => $"fault-{int.Parse(first[6..], System.Globalization.CultureInfo.InvariantCulture) + 1:D5}";

    protected static bool IsInvalid(string id) => int.Parse(id[6..], System.Globalization.CultureInfo.InvariantCulture) % 100 == 42;

    // A retry copy carries the caller's message as a string inside its envelope.
    protected static string CorrelationOf(string body) =>
        JsonNode.Parse(body) is { } node && node["retry"] is not null && node["message"] is { } inner
            ? CorrelationOf(inner.GetValue<string>())
            : JsonNode.Parse(body)?["correlation_id"]?.GetValue<string>() ?? throw new InvalidOperationException("a message without correlation_id");

    protected static SinchFault? LastFaultOf(SinchSandbox sinch, string correlationId) =>
        sinch.SendHistory.LastOrDefault(h => h.Body.Contains($"\"{correlationId}\"", StringComparison.Ordinal)) is { Body: not null } last ? last.Fault : null;

    protected static int DeliveriesOf(SinchSandbox sinch, string correlationId) =>
        sinch.Deliveries.Count(d => d.Contains($"\"{correlationId}\"", StringComparison.Ordinal));

    protected static async Task<List<string>> ReadAllAsync(string connectionString, string queueName, bool decodeBase64)
    {
        var queue = new QueueClient(connectionString, queueName);
        var all = new List<string>();
        if (!await queue.ExistsAsync())
        {
            return all;
        }

        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } batch)
        {
            all.AddRange(batch.Select(m => decodeBase64 ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(m.Body.ToString())) : m.Body.ToString()));
        }

        return all;
    }
}
