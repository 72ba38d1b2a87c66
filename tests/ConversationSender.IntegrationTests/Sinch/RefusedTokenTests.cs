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
public sealed class RefusedTokenTests() : VaultedSandboxTest(SenderHost.ProjectId, SenderHost.AppId)
{
    private const string Message = """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private SenderHost _host = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _host = SenderHost.CreateWithKeyVault(Sinch, Vault, configure: s => s.AddSingleton<TimeProvider>(_clock));
    }

    public override async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_revoked_token_costs_one_token_request_and_no_vault_read()
    {
        Assert.IsType<SendOutcome.Accepted>(await SendAsync());
        var (tokens, reads) = Counts();

        Sinch.RevokeIssuedTokens(); // a plain 401 invalid_token, no word of expiry

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
        var retiredKey = BasicFor(Sinch.KeySecret);

        // Rotated at Sinch (the old key's tokens revoked, the old key refused) and in the vault.
        Sinch.KeySecret = "rotated-" + Guid.NewGuid().ToString("N");
        Vault.Secrets["sinch-key-secret"] = Sinch.KeySecret;
        Sinch.RevokeIssuedTokens();

        Assert.IsType<SendOutcome.Accepted>(await SendAsync());

        // New token first (refused: the retired key), then the credentials once from the vault, then the new key's token.
        Assert.Equal(reads + 1, Counts().VaultReads);
        Assert.Equal(tokens + 2, Counts().TokenRequests);
        Assert.Single(Sinch.TokenRequests.Skip(tokens), r => r.Authorization == retiredKey);
        Assert.IsType<SendOutcome.Accepted>(await SendAsync());
        Assert.Equal((tokens + 2, reads + 1), Counts());
    }

    [Fact]
    public async Task A_wrong_key_stays_misconfigured_and_is_asked_about_once_a_minute()
    {
        Vault.Secrets["sinch-key-secret"] = "wrong";
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
        Vault.Secrets["sinch-key-secret"] = Sinch.KeySecret;
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.IsType<SendOutcome.Accepted>(await SendAsync());
    }

    private Task<SendOutcome> SendAsync() => _host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None);

    private (int TokenRequests, int VaultReads) Counts() => (Sinch.TokenRequests.Count, Vault.ReadsOf("sinch-key-secret"));

    private static string BasicFor(string secret) =>
        "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{SinchSandbox.DefaultKeyId}:{secret}"));
}
