using System.Diagnostics;

namespace ConversationSender.IntegrationTests;

/// <summary>
/// Waits for something that happens on another thread or process, polling, with a deadline generous enough for a
/// loaded 2-core machine. It bounds nothing about speed: a slow pass passes, and a failure says what it last saw.
/// </summary>
internal static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static async Task<T> UntilResultAsync<T>(Func<Task<T>> observe, Func<T, bool> done, string what)
    {
        var waited = Stopwatch.StartNew();
        var seen = await observe();
        while (!done(seen))
        {
            if (waited.Elapsed > Deadline)
            {
                throw new Xunit.Sdk.XunitException($"Waited {Deadline.TotalSeconds:F0} s for {what}; last saw: {seen}");
            }

            await Task.Delay(20);
            seen = await observe();
        }

        return seen;
    }

    public static Task<T> UntilAsync<T>(Func<T> observe, Func<T, bool> done, string what) =>
        UntilResultAsync(() => Task.FromResult(observe()), done, what);
}
