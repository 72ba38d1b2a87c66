using Microsoft.Extensions.Logging;

namespace ConversationSender.Credentials;

/// <summary>
/// A value read from Key Vault, served stale-while-revalidate: fresh for <c>freshFor</c>; then still served at once
/// while one background read replaces it (a send never waits for the vault while any usable value is held); served
/// through a vault outage up to <c>maxStaleness</c>, with reads backed off by <c>failureBackoff</c> after a failure.
/// Callers wait only when there is no value yet (or it is too stale), and then share one read.
/// </summary>
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
    private readonly Lock _gate = new();
    private (T Value, DateTimeOffset ReadAt)? _cached;
    private Task<T>? _reading;
    private DateTimeOffset _noReadBefore = DateTimeOffset.MinValue;
    private Exception? _lastFailure;
    private RefusalRead? _readAfterRefusal;

    public ValueTask<T> GetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cached = _cached;
        if (cached is { } held && now - held.ReadAt < freshFor)
        {
            return ValueTask.FromResult(held.Value);
        }

        if (cached is { } stale && now - stale.ReadAt < maxStaleness)
        {
            if (now >= _noReadBefore)
            {
                // In the background: its failure is logged and backed off, never thrown at this caller.
                _ = StartRead().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }

            return ValueTask.FromResult(stale.Value);
        }

        // Nothing usable held and the last read failed moments ago: fail with its reason rather than read again, so
        // that a missing secret or a vault outage cannot turn every request (even an anonymous one) into a vault read.
        if (now < _noReadBefore && _lastFailure is { } failure)
        {
            return ValueTask.FromException<T>(failure);
        }

        return new ValueTask<T>(StartRead().WaitAsync(cancellationToken));
    }

    /// <summary>
    /// Reads again because <paramref name="rejected"/> was refused (a rotated key): one read shared by every caller
    /// that saw the same refusal; a caller whose value was already replaced gets the new one without a read.
    /// </summary>
    public async Task<T> RefreshAsync(T rejected, CancellationToken cancellationToken)
    {
        if (_cached is { } held && !ReferenceEquals(held.Value, rejected))
        {
            return held.Value;
        }

        // The very value a refusal read brought is refused again: the vault holds the same wrong value. Until
        // RereadAfterRefusal has passed, that is answered from memory (a wrong key costs one vault read a minute, not
        // one per send). A read under way is joined, so concurrent refusals after a rotation cost one read.
        lock (_gate)
        {
            if (_reading is null && _readAfterRefusal is { } last && ReferenceEquals(last.Value, rejected) && time.GetUtcNow() < last.ReadAt + RereadAfterRefusal)
            {
                return last.Value;
            }
        }

        var value = await StartRead().WaitAsync(cancellationToken);
        _readAfterRefusal = new RefusalRead(value, time.GetUtcNow());
        return value;
    }

    /// <summary>The least time between two reads forced by a refused value.</summary>
    public static readonly TimeSpan RereadAfterRefusal = TimeSpan.FromMinutes(1);

    private Task<T> StartRead()
    {
        lock (_gate)
        {
            return _reading ??= ReadAsync();
        }
    }

    private async Task<T> ReadAsync()
    {
        await Task.Yield(); // never run the read on the caller's stack, which may hold no lock but expects to return
        try
        {
            var value = await read(CancellationToken.None);
            _cached = (value, time.GetUtcNow());
            _noReadBefore = DateTimeOffset.MinValue;
            _lastFailure = null;
            return value;
        }
        catch (Exception ex)
        {
            _noReadBefore = time.GetUtcNow() + failureBackoff;
            _lastFailure = ex;
            if (_cached is { } stale)
            {
                LogStillUsingStale(logger, what, ex.GetType().Name, stale.ReadAt);
            }

            throw;
        }
        finally
        {
            lock (_gate)
            {
                _reading = null;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read {What} from Key Vault ({Error}); still using the value read at {ReadAt:O}.")]
    private static partial void LogStillUsingStale(ILogger logger, string what, string error, DateTimeOffset readAt);

    // A class, so that the value and its time are swapped together (a struct of both could be read half-written).
    private sealed record RefusalRead(T Value, DateTimeOffset ReadAt);
}
