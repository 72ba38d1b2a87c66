using Microsoft.Extensions.Time.Testing;

namespace ConversationSender.IntegrationTests.Infrastructure;

/// <summary>
/// Moves a resilience pipeline's fake clock in 50 ms steps until what it waits for has happened (or a limit of the
/// clock's time has passed). Between steps the pipeline's continuations get a turn on the real clock; nothing is
/// measured on it: the answer is how much of the pipeline's time went by, which a test compares with a wait it expects.
/// </summary>
internal static class PipelineClockSteps
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    public static async Task<TimeSpan> AdvanceUntilAsync(this FakeTimeProvider clock, Func<bool> happened, TimeSpan limit)
    {
        var advanced = TimeSpan.Zero;
        while (!happened() && advanced < limit)
        {
            clock.Advance(Step);
            advanced += Step;
            await Task.Delay(5);
        }

        return advanced;
    }
}
