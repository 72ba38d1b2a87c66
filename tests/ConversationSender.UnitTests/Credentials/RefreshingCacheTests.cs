using System.Threading.Channels;
using ConversationSender.Credentials;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ConversationSender.UnitTests.Credentials;

/// <summary>The cache's answers to a refused value, with every vault read held until the test answers it.</summary>
public sealed class RefreshingCacheTests
{
    private static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ScriptedVault _vault = new();
    private readonly RefreshingCache<Key> _cache;

    public RefreshingCacheTests() =>
        _cache = new RefreshingCache<Key>(_vault.ReadAsync, _clock, FreshFor, TimeSpan.FromHours(24), TimeSpan.FromSeconds(30), NullLogger.Instance, "the key");

    [Fact]
    public async Task A_forced_read_does_not_join_a_background_read_that_began_before_the_refusal()
    {
        var old = await HoldAsync("old");
        var background = await StartBackgroundReadAsync();

        var refresh = _cache.RefreshAsync(old, CancellationToken.None);
        background.SetResult(new Key("old")); // the pre-rotation read answers, with the refused key
        var forced = _vault.NextReadAsync().AsTask();

        Assert.Same(forced, await Task.WhenAny(forced, refresh)); // had it joined the old read, it would be done
        (await forced).SetResult(new Key("new"));
        Assert.Equal(new Key("new"), await refresh);
        Assert.Equal(3, _vault.Reads);
    }

    [Fact]
    public async Task The_overtaken_background_read_landing_last_does_not_put_the_refused_value_back()
    {
        var old = await HoldAsync("old");
        var background = await StartBackgroundReadAsync();
        var joinedBackground = JoinTheReadUnderWay();

        var refresh = _cache.RefreshAsync(old, CancellationToken.None);
        (await _vault.NextReadAsync()).SetResult(new Key("new"));
        Assert.Equal(new Key("new"), await refresh);
        background.SetResult(new Key("old"));
        await joinedBackground; // the old read has landed, last

        Assert.Equal(new Key("new"), await _cache.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_refusal_after_a_pre_refusal_read_brought_an_equal_value_reads_again()
    {
        var old = await HoldAsync("old");
        var background = await StartBackgroundReadAsync();
        var joinedBackground = JoinTheReadUnderWay();
        background.SetResult(new Key("old")); // a new object holding the same refused value
        await joinedBackground;

        var refresh = _cache.RefreshAsync(old, CancellationToken.None);

        Assert.False(refresh.IsCompleted, "the refused value, read before the refusal, was answered again");
        (await _vault.NextReadAsync()).SetResult(new Key("new"));
        Assert.Equal(new Key("new"), await refresh);
    }

    [Fact]
    public async Task A_value_read_after_the_refusal_and_refused_again_is_answered_from_memory_for_a_minute()
    {
        var old = await HoldAsync("old");
        var refresh = _cache.RefreshAsync(old, CancellationToken.None);
        (await _vault.NextReadAsync()).SetResult(new Key("old")); // the vault still holds the refused value
        var again = await refresh;

        _clock.Advance(RefreshingCache<Key>.RereadAfterRefusal - TimeSpan.FromSeconds(1));
        Assert.Same(again, await _cache.RefreshAsync(again, CancellationToken.None));
        Assert.Equal(2, _vault.Reads);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var third = _cache.RefreshAsync(again, CancellationToken.None);
        (await _vault.NextReadAsync()).SetResult(new Key("new"));
        Assert.Equal(new Key("new"), await third);
    }

    [Fact]
    public async Task Concurrent_refusals_share_the_one_read_that_began_after_the_first()
    {
        var old = await HoldAsync("old");
        var refreshes = Enumerable.Range(0, 8).Select(_ => _cache.RefreshAsync(old, CancellationToken.None)).ToList();
        (await _vault.NextReadAsync()).SetResult(new Key("new"));

        Assert.All(await Task.WhenAll(refreshes), k => Assert.Equal(new Key("new"), k));
        Assert.Equal(2, _vault.Reads);
    }

    [Fact]
    public async Task A_late_refusal_of_an_already_replaced_value_gets_the_new_one_without_a_read()
    {
        var old = await HoldAsync("old");
        var refresh = _cache.RefreshAsync(old, CancellationToken.None);
        (await _vault.NextReadAsync()).SetResult(new Key("new"));
        await refresh;

        Assert.Equal(new Key("new"), await _cache.RefreshAsync(new Key("old"), CancellationToken.None));
        Assert.Equal(2, _vault.Reads);
    }

    private async Task<Key> HoldAsync(string secret)
    {
        var first = _cache.GetAsync(CancellationToken.None).AsTask();
        (await _vault.NextReadAsync()).SetResult(new Key(secret));
        return await first;
    }

    // Past the fresh time, a get is answered with the held value at once and starts a read in the background.
    private async Task<TaskCompletionSource<Key>> StartBackgroundReadAsync()
    {
        _clock.Advance(FreshFor + TimeSpan.FromSeconds(1));
        await _cache.GetAsync(CancellationToken.None);
        return await _vault.NextReadAsync();
    }

    // Past the longest staleness a get waits for a read, joining the one under way: its end becomes observable.
    private Task<Key> JoinTheReadUnderWay()
    {
        _clock.Advance(TimeSpan.FromHours(25));
        return _cache.GetAsync(CancellationToken.None).AsTask();
    }

    private sealed record Key(string Secret);

    /// <summary>A vault whose every read waits for the test to answer it.</summary>
    private sealed class ScriptedVault
    {
        private readonly Channel<TaskCompletionSource<Key>> _started = Channel.CreateUnbounded<TaskCompletionSource<Key>>();
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public Task<Key> ReadAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            var answer = new TaskCompletionSource<Key>(TaskCreationOptions.RunContinuationsAsynchronously);
            _started.Writer.TryWrite(answer);
            return answer.Task;
        }

        public ValueTask<TaskCompletionSource<Key>> NextReadAsync() => _started.Reader.ReadAsync();
    }
}
