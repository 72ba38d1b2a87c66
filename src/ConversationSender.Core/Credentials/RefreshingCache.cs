using Microsoft.Extensions.Logging;

namespace ConversationSender.Credentials;

/// <summary>
/// A value read from Key Vault, served stale-while-revalidate: fresh for <c>freshFor</c>; then still served at once
/// while one background read replaces it (a send never waits for the vault while any usable value is held); served
/// through a vault outage up to <c>maxStaleness</c>, with reads backed off by <c>failureBackoff</c> after a failure.
/// Callers wait only when there is no value yet (or it is too stale), and then share one read.
/// </summary>
/// <remarks>
/// Reads are numbered in the order they start, and only a read newer than the held value may replace it: a forced
/// read (<see cref="RefreshAsync"/>) may overtake a slow background read that began before the refusal, and that
/// older read's answer (the refused key) must not win when it lands last.
/// </remarks>
public sealed partial class RefreshingCache<T>(
    Func<CancellationToken, Task<T>> read,
    TimeProvider time,
    TimeSpan freshFor,
    TimeSpan maxStaleness,
    TimeSpan failureBackoff,
    ILogger logger,
    string what)
    where T : class
{
    private static readonly EqualityComparer<T> SameValue = EqualityComparer<T>.Default;

    private readonly Lock _gate = new();
    private Held? _cached;
    private Read? _reading;
    private long _readsStarted;
    private Refusal? _refusal;
    private DateTimeOffset _noReadBefore = DateTimeOffset.MinValue;
    private Exception? _lastFailure;

    /// <summary>The least time between two reads forced by a refused value.</summary>
    public static readonly TimeSpan RereadAfterRefusal = TimeSpan.FromMinutes(1);

    public ValueTask<T> GetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cached = _cached;
        if (cached is not null && now - cached.ReadAt < freshFor)
        {
            return ValueTask.FromResult(cached.Value);
        }

        if (cached is not null && now - cached.ReadAt < maxStaleness)
        {
            if (now >= _noReadBefore)
            {
                // In the background: its failure is logged and backed off, never thrown at this caller.
                _ = JoinOrStartRead().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }

            return ValueTask.FromResult(cached.Value);
        }

        // Nothing usable held and the last read failed moments ago: fail with its reason rather than read again, so
        // that a missing secret or a vault outage cannot turn every request (even an anonymous one) into a vault read.
        if (now < _noReadBefore && _lastFailure is { } failure)
        {
            return ValueTask.FromException<T>(failure);
        }

        return new ValueTask<T>(JoinOrStartRead().WaitAsync(cancellationToken));
    }

    /// <summary>
    /// Reads again because <paramref name="rejected"/> was refused (a rotated key). Only a read that began after the
    /// refusal counts: one under way is joined (concurrent refusals cost one read), one that began before it (a
    /// background read still bringing the old key) is not. A caller whose value was already replaced gets the new
    /// one without a read.
    /// </summary>
    public async Task<T> RefreshAsync(T rejected, CancellationToken cancellationToken)
    {
        Task<T> reading;
        lock (_gate)
        {
            var held = _cached;
            if (held is not null && !SameValue.Equals(held.Value, rejected))
            {
                return held.Value;
            }

            // The first refusal of this value marks which reads are after it: those numbered above the mark.
            if (_refusal is null || !SameValue.Equals(_refusal.Value, rejected))
            {
                _refusal = new Refusal(rejected, _readsStarted);
            }

            // A read after the refusal brought the very value refused: the vault holds the same wrong value. Until
            // RereadAfterRefusal has passed, that is answered from memory (a wrong key costs one vault read a minute,
            // not one per send).
            if (held is not null && held.Number > _refusal.ReadsBefore && time.GetUtcNow() < held.ReadAt + RereadAfterRefusal)
            {
                return held.Value;
            }

            var under = _reading is { } current && current.Number > _refusal.ReadsBefore ? current : StartRead();
            reading = under.Task;
        }

        return await reading.WaitAsync(cancellationToken);
    }

    private Task<T> JoinOrStartRead()
    {
        lock (_gate)
        {
            return (_reading ?? StartRead()).Task;
        }
    }

    // Under _gate. A read older than the one under way is not forgotten: it finishes, and its answer is dropped if a
    // newer read has answered first.
    private Read StartRead()
    {
        var number = ++_readsStarted;
        _reading = new Read(number, ReadAsync(number));
        return _reading;
    }

    private async Task<T> ReadAsync(long number)
    {
        await Task.Yield(); // never run the read on the caller's stack (or under the caller's lock)
        try
        {
            var value = await read(CancellationToken.None);
            lock (_gate)
            {
                if (_cached is null || number > _cached.Number)
                {
                    _cached = new Held(value, time.GetUtcNow(), number);
                    if (_refusal is not null && !SameValue.Equals(_refusal.Value, value))
                    {
                        _refusal = null; // replaced: should it come back and be refused again, that is a new refusal
                    }

                    _noReadBefore = DateTimeOffset.MinValue;
                    _lastFailure = null;
                }
            }

            return value;
        }
        catch (Exception ex)
        {
            Held? stale;
            lock (_gate)
            {
                stale = _cached;
                if (stale is null || number > stale.Number)
                {
                    _noReadBefore = time.GetUtcNow() + failureBackoff;
                    _lastFailure = ex;
                }
            }

            if (stale is not null)
            {
                LogStillUsingStale(logger, what, ex.GetType().Name, stale.ReadAt);
            }

            throw;
        }
        finally
        {
            lock (_gate)
            {
                if (_reading?.Number == number)
                {
                    _reading = null;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read {What} from Key Vault ({Error}); still using the value read at {ReadAt:O}.")]
    private static partial void LogStillUsingStale(ILogger logger, string what, string error, DateTimeOffset readAt);

    // Classes, so that each is swapped whole (a struct of a value and its time could be read half-written).
    private sealed record Held(T Value, DateTimeOffset ReadAt, long Number);

    private sealed record Read(long Number, Task<T> Task);

    /// <summary>A refused value, and how many reads had started when it was first refused.</summary>
    private sealed record Refusal(T Value, long ReadsBefore);
}
