namespace ConversationSender.RateSimulation;

/// <summary>
/// A run: instances joining at given seconds, some dying (without giving anything back) at given seconds, another
/// client of the same Sinch project sending at a rate during a window. Every instance always has a backlog.
/// </summary>
public sealed record Scenario(string Name, int Seconds, IReadOnlyList<(int At, int Count)> Joins, IReadOnlyList<(int At, int Count)> Deaths, (int From, int To, double Share)? OtherClient = null)
{
    public static Scenario Steady(int instances, int seconds = 120) => new($"{instances} steady", seconds, [(0, instances)], []);

    public static Scenario Joining(int every = 30, int step = 4, int upTo = 40) =>
        new($"+{step} every {every} s to {upTo}", (upTo / step * every) + every, [.. Enumerable.Range(0, upTo / step).Select(i => (i * every, step))], []);

    public static Scenario Dying(int instances = 40, int die = 35, int at = 60, int seconds = 120) =>
        new($"{die} of {instances} die", seconds, [(0, instances)], [(at, die)]);

    public static Scenario WithOtherClient(int instances, double share = 0.25, int from = 60, int to = 120, int seconds = 180) =>
        new($"{instances} + other client {share:P0}", seconds, [(0, instances)], [], (from, to, share));

    /// <summary>The seconds at which something changes (the start included): convergence is measured after each.</summary>
    public IEnumerable<int> Events =>
        Joins.Select(j => j.At).Concat(Deaths.Select(d => d.At)).Concat(OtherClient is { } o ? [o.From, o.To] : []).Distinct().Order();
}
