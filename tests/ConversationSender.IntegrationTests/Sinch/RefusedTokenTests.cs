using ConversationSender.Sending;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ConversationSender.IntegrationTests.Sinch;

/// <summary>
/// What a 401 from Sinch costs, counted at the sandbox's token endpoint and the fake Key Vault: a revoked token is
/// replaced without a vault read; a rotated key is read once from the vault; a wrong key is asked about once a minute,
/// not once per send.
/// </summary>
public sealed class RefusedTokenTests : IAsyncLifetime
{
    private const string Message = """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private SinchSandbox _sinch = null!;
    private FakeKeyVaultServer _vault = null!;
    private SenderHost _host = null!;

    public async Task InitializeAsync()
    {
        _sinch = await SinchSandbox.StartAsync();
        _vault = await FakeKeyVaultServer.StartAsync();
        SinchSecrets.Store(_vault, _sinch, SenderHost.ProjectId, SenderHost.AppId);
        _host = SenderHost.CreateWithKeyVault(_sinch, _vault, configure: s => s.AddSingleton<TimeProvider>(_clock));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _vault.DisposeAsync();
        await _sinch.DisposeAsync();
    }

    [Fact]
    public async Task A_revoked_token_costs_one_token_request_and_no_vault_read()
    {
        Assert.IsType<SendOutcome.Accepted>(await SendAsync());
        var (tokens, reads) = Counts();

        _sinch.RevokeIssuedTokens(); // a plain 401 invalid_token, no word of expiry

        Assert.IsType<SendOutcome.Accepted>(await SendAsync());
        Assert.Equal((tokens + 1, reads), Counts());
        Assert.IsType<SendOutcome.Accepted>(await SendAsync());
        Assert.Equal((tokens + 1, reads), Counts());
    }

    [Fact]
    public async Task A_rotated_key_costs_one_vault_read_and_one_new_token()
    {
        Assert.IsType<SendOutcome.Accepted>(await SendAsync());
        var (tokens, reads) = Counts();
        var retiredKey = BasicFor(_sinch.KeySecret);

        // Rotated at Sinch (the old key's tokens revoked, the old key refused) and in the vault.
        _sinch.KeySecret = "rotated-" + Guid.NewGuid().ToString("N");
        _vault.Secrets["sinch-key-secret"] = _sinch.KeySecret;
        _sinch.RevokeIssuedTokens();

        Assert.IsType<SendOutcome.Accepted>(await SendAsync());

        // New token first (refused: the retired key), then the credentials once from the vault, then the new key's token.
        Assert.Equal(reads + 1, Counts().VaultReads);
        Assert.Equal(tokens + 2, Counts().TokenRequests);
        Assert.Single(_sinch.TokenRequests.Skip(tokens), r => r.Authorization == retiredKey);
        Assert.IsType<SendOutcome.Accepted>(await SendAsync());
        Assert.Equal((tokens + 2, reads + 1), Counts());
    }

    [Fact]
    public async Task A_wrong_key_stays_misconfigured_and_is_asked_about_once_a_minute()
    {
        _vault.Secrets["sinch-key-secret"] = "wrong";
        var (tokens, reads) = Counts();

        var first = Assert.IsType<SendOutcome.Misconfigured>(await SendAsync());
        Assert.Equal((tokens + 1, reads + 2), Counts()); // the first read, and one more after the refusal
        for (var i = 0; i < 5; i++)
        {
            Assert.IsType<SendOutcome.Misconfigured>(await SendAsync());
        }

        Assert.Equal((tokens + 1, reads + 2), Counts());
        Assert.DoesNotContain("wrong", first.Reason, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.IsType<SendOutcome.Misconfigured>(await SendAsync());
        Assert.Equal((tokens + 2, reads + 3), Counts());

        // Fixed in the vault: picked up at the next minute's read.
        _vault.Secrets["sinch-key-secret"] = _sinch.KeySecret;
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.IsType<SendOutcome.Accepted>(await SendAsync());
    }

    private Task<SendOutcome> SendAsync() => _host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None);

    private (int TokenRequests, int VaultReads) Counts() => (_sinch.TokenRequests.Count, _vault.ReadsOf("sinch-key-secret"));

    private static string BasicFor(string secret) =>
        "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{SinchSandbox.DefaultKeyId}:{secret}"));
}
