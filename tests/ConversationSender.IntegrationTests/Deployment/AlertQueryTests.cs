namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// Each alert rule's query, taken from the compiled ARM template, run (<see cref="KqlSubset"/>) over rows shaped as
/// Application Insights stores what the app exports. Counters: Azure.Monitor.OpenTelemetry.Exporter writes one
/// data point per export interval and dimension set whose value is the interval's sum and which has no count
/// (azure-sdk-for-net, sdk/monitor/Azure.Monitor.OpenTelemetry.Exporter/src/Customizations/Models/MetricDataPoint.cs),
/// so the customMetrics row has value = valueSum = the sends of that interval and valueCount = 1. Requests: success is
/// false for a status of 400 and up or an activity in error, resultCode "0" when there is no HTTP status
/// (…/Customizations/Models/RequestData.cs). A rule fires when its Count column totals more than 0 (timeAggregation
/// Total, operator GreaterThan, threshold 0).
/// </summary>
public sealed class AlertQueryTests
{
    private static readonly Lazy<Task<Dictionary<string, string>>> Queries = new(async () =>
    {
        var main = new ArmTemplate(await CompiledInfra.MainAsync(), new Dictionary<string, object?> { ["environmentName"] = "alerts", ["location"] = "swedencentral" }, v => v.ToString());
        var rules = (List<object?>)main.Module("alerts").Variable("rules")!;
        return rules.Cast<Dictionary<string, object?>>().ToDictionary(r => (string)r["name"]!, r => (string)r["query"]!);
    });

    [Fact]
    public async Task Dead_letters_count_the_letters_not_the_export_intervals()
    {
        var rows = new[] { Counter("conversation_sender.dead_letters", 3, ("outcome", "rejected")), Counter("conversation_sender.sends", 40, ("outcome", "accepted")) };

        Assert.Equal(3, await CountAsync("dead-letters", Tables(metrics: rows)));
        Assert.Equal(0, await CountAsync("dead-letters", Tables(metrics: [Counter("conversation_sender.sends", 40, ("outcome", "accepted"))])));
    }

    [Fact]
    public async Task Misconfigured_sends_count_each_send()
    {
        var rows = new[] { Counter("conversation_sender.sends", 4, ("outcome", "misconfigured")), Counter("conversation_sender.sends", 50, ("outcome", "accepted")) };

        Assert.Equal(4, await CountAsync("misconfigured", Tables(metrics: rows)));
        Assert.Equal(0, await CountAsync("misconfigured", Tables(metrics: [Counter("conversation_sender.sends", 50, ("outcome", "transient"))])));
    }

    [Fact]
    public async Task The_failure_ratio_fires_on_a_failing_stream_of_sends()
    {
        // 100 sends in three rows, 60 of them transient: a ratio of 0.6. Counting rows would see 3 "sends", under the minimum of 20.
        var rows = new[]
        {
            Counter("conversation_sender.sends", 20, ("outcome", "accepted")),
            Counter("conversation_sender.sends", 20, ("outcome", "accepted")),
            Counter("conversation_sender.sends", 60, ("outcome", "transient")),
        };

        Assert.Equal(1, await CountAsync("send-failure-ratio", Tables(metrics: rows)));
    }

    [Fact]
    public async Task The_failure_ratio_stays_quiet_on_a_healthy_stream_and_below_twenty_sends()
    {
        // 25 intervals, each 40 accepted and 1 unconfirmed: 25 of 1,025 sends fail (2.4 %). Counting rows would see 25 of 50.
        var healthy = Enumerable.Range(0, 25).SelectMany(_ => new[]
        {
            Counter("conversation_sender.sends", 40, ("outcome", "accepted")),
            Counter("conversation_sender.sends", 1, ("outcome", "unconfirmed")),
        }).ToArray();
        var few = new[] { Counter("conversation_sender.sends", 19, ("outcome", "transient")) };

        Assert.Equal(0, await CountAsync("send-failure-ratio", Tables(metrics: healthy)));
        Assert.Equal(0, await CountAsync("send-failure-ratio", Tables(metrics: few)));
        Assert.Equal(1, await CountAsync("send-failure-ratio", Tables(metrics: [Counter("conversation_sender.sends", 20, ("outcome", "misconfigured"))])));
    }

    [Fact]
    public async Task Function_errors_count_5xx_and_failed_invocations_but_not_4xx()
    {
        var callerMistakes = new[] { Request("404", false), Request("401", false), Request("400", false), Request("422", false), Request("200", true), Request("202", true) };

        Assert.Equal(0, await CountAsync("function-errors", Tables(requests: callerMistakes)));
        Assert.Equal(1, await CountAsync("function-errors", Tables(requests: [.. callerMistakes, Request("500", false)])));

        // A queue invocation that threw: no HTTP status, so resultCode "0", and the activity in error.
        Assert.Equal(2, await CountAsync("function-errors", Tables(requests: [Request("503", false), Request("0", false), Request("0", true)])));
    }

    [Fact]
    public async Task Poison_messages_match_the_hosts_log_line()
    {
        // azure-webjobs-sdk QueueProcessor: "Message has reached MaxDequeueCount of {0}. Moving message to queue '{1}'."
        var poisoned = Trace("Message has reached MaxDequeueCount of 5. Moving message to queue 'outbound-messages-poison'.");
        var other = Trace("Moving message to queue 'outbound-messages-failed' was not needed");

        Assert.Equal(1, await CountAsync("poison-messages", Tables(traces: [poisoned, other])));
        Assert.Equal(0, await CountAsync("poison-messages", Tables(traces: [other, Trace("poison pill")])));
    }

    [Fact]
    public async Task The_subset_refuses_what_it_does_not_understand()
    {
        var tables = Tables(metrics: [Counter("conversation_sender.sends", 1, ("outcome", "accepted"))]);

        Assert.Throws<NotSupportedException>(() => KqlSubset.Run("customMetrics | summarize Count = sum(valueSum) by name", tables));
        Assert.Throws<NotSupportedException>(() => KqlSubset.Run("customMetrics | summarize Count = dcount(name)", tables));
        Assert.Throws<NotSupportedException>(() => KqlSubset.Run("customMetrics | take 1", tables));
        Assert.Equal(1.0, KqlSubset.Run("customMetrics | summarize Count = sum(valueCount)", tables).Single()["Count"]);
        Assert.Equal(5, (await Queries.Value).Count);
    }

    private static async Task<double> CountAsync(string rule, Dictionary<string, List<Dictionary<string, object?>>> tables) =>
        KqlSubset.Run((await Queries.Value)[rule], tables).Sum(row => (double)Convert.ToDouble(row["Count"], System.Globalization.CultureInfo.InvariantCulture));

    private static Dictionary<string, List<Dictionary<string, object?>>> Tables(
        Dictionary<string, object?>[]? metrics = null, Dictionary<string, object?>[]? requests = null, Dictionary<string, object?>[]? traces = null) => new()
    {
        ["customMetrics"] = [.. metrics ?? []],
        ["requests"] = [.. requests ?? []],
        ["traces"] = [.. traces ?? []],
    };

    /// <summary>One export interval of a counter for one set of dimensions, as a customMetrics row.</summary>
    private static Dictionary<string, object?> Counter(string name, double sum, params (string Key, string Value)[] dimensions) => new()
    {
        ["timestamp"] = DateTimeOffset.UnixEpoch,
        ["name"] = name,
        ["value"] = sum,
        ["valueSum"] = sum,
        ["valueCount"] = 1.0,
        ["valueMin"] = sum,
        ["valueMax"] = sum,
        ["customDimensions"] = dimensions.ToDictionary(d => d.Key, d => d.Value) as IReadOnlyDictionary<string, string>,
    };

    private static Dictionary<string, object?> Request(string resultCode, bool success) => new()
    {
        ["timestamp"] = DateTimeOffset.UnixEpoch,
        ["name"] = "SendMessage",
        ["resultCode"] = resultCode,
        ["success"] = success,
        ["customDimensions"] = new Dictionary<string, string>() as IReadOnlyDictionary<string, string>,
    };

    private static Dictionary<string, object?> Trace(string message) => new()
    {
        ["timestamp"] = DateTimeOffset.UnixEpoch,
        ["message"] = message,
        ["severityLevel"] = 2.0,
        ["customDimensions"] = new Dictionary<string, string>() as IReadOnlyDictionary<string, string>,
    };
}
