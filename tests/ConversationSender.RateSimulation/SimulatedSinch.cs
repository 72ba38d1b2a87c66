namespace ConversationSender.RateSimulation;

/// <summary>
/// One Sinch project's limit: at most <see cref="Limit"/> requests accepted per whole second (a fixed window), 429 to
/// the rest. Sinch does not document its window; a fixed one lets a burst at a window's end and the next one's start
/// through, so it is the harsher model for the busiest-second measure. Counts every second's attempts and answers.
/// </summary>
public sealed class SimulatedSinch(double limit, int seconds)
{
    public double Limit { get; } = limit;

    public long[] Attempts { get; } = new long[seconds + 1];

    public long[] Accepted { get; } = new long[seconds + 1];

    public long[] Throttled { get; } = new long[seconds + 1];

    /// <summary>The other client's requests, counted against the limit but not in our attempts.</summary>
    public long[] Other { get; } = new long[seconds + 1];

    /// <summary>One request in second <paramref name="second"/>: true when accepted, false for a 429.</summary>
    public bool Send(int second, bool ours)
    {
        var taken = Accepted[second] + Other[second];
        var accepted = taken < Limit;
        if (!ours)
        {
            Other[second] += accepted ? 1 : 0;
            return accepted;
        }

        Attempts[second]++;
        if (accepted)
        {
            Accepted[second]++;
        }
        else
        {
            Throttled[second]++;
        }

        return accepted;
    }
}
