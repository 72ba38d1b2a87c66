using ConversationSender.Credentials;
using ConversationSender.Sending;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

using ConversationSender.Sinch;

namespace ConversationSender.IntegrationTests.Credentials;

/// <summary>The real <c>SecretClient</c> against the fake vault over HTTPS, through the app's DI.</summary>
public sealed class KeyVaultCredentialTests() : VaultedSandboxTest("vault-project", "01VAULTAPP0000000000000001")
{
    private const string Message = """{ "to": { "channel": "SMS", "identity": "+46700000003" }, "text": "hi" }""";
    private static readonly string[] SecretNames = ["sinch-project-id", "sinch-app-id", "sinch-key-id", "sinch-key-secret"];

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private SenderHost CreateHost(Action<Dictionary<string, string?>>? adjust = null, Action<IServiceCollection>? configure = null) =>
        SenderHost.CreateWithKeyVault(Sinch, Vault, adjust, s =>
        {
            s.AddSingleton<TimeProvider>(_clock);
            configure?.Invoke(s);
        });

    [Fact]
    public async Task Many_sends_read_each_secret_once_and_use_the_vaults_values()
    {
        await using var host = CreateHost();
        var service = host.Get<SendService>();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => service.SendAsync(BinaryData.FromString(Message), CancellationToken.None)));

        Expect.All(outcomes, o => Assert.IsType<SendOutcome.Accepted>(o));
        Expect.All(SecretNames, name => Assert.Equal(1, Vault.ReadsOf(name)));
        Expect.All(Sinch.SendRequests, r => Assert.Equal("/v1/projects/vault-project/messages:send", r.Path));
        Expect.All(Sinch.SendRequests, r => Assert.Contains("\"app_id\":\"01VAULTAPP0000000000000001\"", r.Body));
        Assert.True(Vault.Challenges >= 1, "the SecretClient should have answered the vault's bearer challenge");
        Assert.Equal(0, Vault.RefusedRequests);
        Assert.Contains("https://vault.localhost/.default", host.AzureCredential.RequestedScopes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_start_up_warm_up_reads_the_credentials_and_fetches_a_token_so_the_first_send_waits_for_neither(bool warmUp)
    {
        await using var host = CreateHost(s => s["Sinch:WarmUpOnStart"] = warmUp ? "true" : "false");
        var warmUpService = host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SenderWarmUp>().Single();

        await warmUpService.StartAsync(CancellationToken.None);
        await warmUpService.ExecuteTask!;

        Expect.All(SecretNames, name => Assert.Equal(warmUp ? 1 : 0, Vault.ReadsOf(name)));
        Assert.Equal(warmUp ? 1 : 0, Sinch.TokenRequests.Count);
        Assert.Empty(Sinch.SendRequests); // nothing is sent to Sinch's API
        Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));
        Expect.All(SecretNames, name => Assert.Equal(1, Vault.ReadsOf(name)));
        Assert.Single(Sinch.TokenRequests);
        await warmUpService.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Values_are_read_again_after_the_cache_duration()
    {
        await using var host = CreateHost(s => s["KeyVault:CacheDuration"] = "00:05:00");
        var service = host.Get<SendService>();

        await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(4));
        await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None);
        Assert.Equal(1, Vault.ReadsOf("sinch-key-secret"));

        _clock.Advance(TimeSpan.FromMinutes(2));
        await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None);

        // Read again, in the background: the send did not wait for it.
        await Eventually.UntilAsync(() => Vault.ReadsOf("sinch-key-secret"), n => n == 2, "the background read");
    }

    [Fact]
    public async Task A_vault_that_hangs_past_the_cache_lifetime_never_makes_a_send_wait()
    {
        await using var host = CreateHost();
        var service = host.Get<SendService>();
        Assert.IsType<SendOutcome.Accepted>(await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Vault.HoldReadsUntil = release.Task;
        _clock.Advance(TimeSpan.FromMinutes(30));

        // Every read now hangs until released; the sends go through on the held values all the same.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => service.SendAsync(BinaryData.FromString(Message), CancellationToken.None)));

        Expect.All(outcomes, o => Assert.IsType<SendOutcome.Accepted>(o));
        Assert.Equal(11, Sinch.SendRequests.Count);
        // One background read, not one per send; it may reach the vault after the sends returned (they never wait for it).
        await Eventually.UntilAsync(() => Vault.HeldReadsOf("sinch-key-secret"), n => n >= 1, "the background read to reach the vault");
        Assert.Equal(1, Vault.HeldReadsOf("sinch-key-secret"));
        release.SetResult();
        await Eventually.UntilAsync(() => Vault.ReadsOf("sinch-key-secret"), n => n == 2, "the held read to finish");
    }

    [Fact]
    public async Task After_a_failed_read_the_vault_is_left_alone_for_the_backoff()
    {
        await using var host = CreateHost(s => s["KeyVault:FailureBackoff"] = "00:01:00");
        var service = host.Get<SendService>();
        await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None);
        Vault.FailWithStatus = 503;
        _clock.Advance(TimeSpan.FromMinutes(10));

        Assert.IsType<SendOutcome.Accepted>(await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None));
        await Eventually.UntilAsync(() => Vault.ReadsOf("sinch-key-secret"), n => n == 2, "the failed background read");
        for (var i = 0; i < 5; i++)
        {
            Assert.IsType<SendOutcome.Accepted>(await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None));
        }

        Assert.Equal(2, Vault.ReadsOf("sinch-key-secret"));

        // The failed read is recorded when its answer lands, which under load may be after the vault counted it: each
        // round moves past one more back-off, so the read after it comes whenever the failure was recorded. At least
        // one more, not exactly one: the vault still fails, so under load two rounds' reads may land between looks.
        await Eventually.UntilResultAsync(
            async () =>
            {
                _clock.Advance(TimeSpan.FromMinutes(2));
                await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None);
                return Vault.ReadsOf("sinch-key-secret");
            },
            n => n >= 3,
            "a read after the back-off");
    }

    [Fact]
    public async Task A_key_rotated_in_the_vault_is_picked_up_after_sinch_refuses_the_old_one()
    {
        await using var host = CreateHost(s => s["Sinch:AuthMode"] = "Basic");
        var service = host.Get<SendService>();
        Assert.IsType<SendOutcome.Accepted>(await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None));

        Sinch.KeySecret = "fake-key-secret-2";
        Vault.Secrets["sinch-key-secret"] = "fake-key-secret-2";
        var outcome = await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None);

        Assert.IsType<SendOutcome.Accepted>(outcome);
        Assert.Equal(2, Vault.ReadsOf("sinch-key-secret"));
        Assert.Equal(3, Sinch.SendRequests.Count); // ok, refused with the old key, ok with the new one
    }

    [Fact]
    public async Task Concurrent_refusals_after_a_rotation_cost_one_extra_read()
    {
        await using var host = CreateHost(s => s["Sinch:AuthMode"] = "Basic");
        var service = host.Get<SendService>();
        await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None);

        Sinch.KeySecret = "fake-key-secret-2";
        Vault.Secrets["sinch-key-secret"] = "fake-key-secret-2";
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => service.SendAsync(BinaryData.FromString(Message), CancellationToken.None)));

        Expect.All(outcomes, o => Assert.IsType<SendOutcome.Accepted>(o));
        Assert.Equal(2, Vault.ReadsOf("sinch-key-secret"));
    }

    [Fact]
    public async Task A_missing_secret_is_misconfiguration_naming_the_setting()
    {
        Vault.Secrets.TryRemove("sinch-key-secret", out _);
        await using var host = CreateHost();

        var outcome = await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None);

        var misconfigured = Assert.IsType<SendOutcome.Misconfigured>(outcome);
        Assert.Equal("KeyVault:SecretNames:KeySecret", misconfigured.SettingName);
        Assert.Contains("sinch-key-secret", misconfigured.Reason);
        Assert.Empty(Sinch.Requests);
    }

    [Fact]
    public async Task Custom_secret_names_are_used()
    {
        Vault.Secrets["other-secret"] = Sinch.KeySecret;
        Vault.Secrets.TryRemove("sinch-key-secret", out _);
        await using var host = CreateHost(s => s["KeyVault:SecretNames:KeySecret"] = "other-secret");

        Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));
        Assert.Equal(1, Vault.ReadsOf("other-secret"));
    }

    [Fact]
    public async Task Access_denied_by_the_vault_is_misconfiguration()
    {
        Vault.FailWithStatus = 403;
        await using var host = CreateHost();

        var outcome = await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None);

        var misconfigured = Assert.IsType<SendOutcome.Misconfigured>(outcome);
        Assert.Equal("KeyVault:VaultUri", misconfigured.SettingName);
        Assert.Contains("Key Vault Secrets User", misconfigured.Reason);
    }

    [Fact]
    public async Task A_vault_outage_is_transient_and_cached_values_outlive_it()
    {
        await using var host = CreateHost();
        var service = host.Get<SendService>();
        Vault.FailWithStatus = 503;
        Assert.IsType<SendOutcome.Transient>(await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None));

        // Within KeyVault:FailureBackoff the failure is answered without another read, even once the vault is back.
        Vault.FailWithStatus = null;
        var reads = Vault.ReadsOf("sinch-key-secret");
        Assert.IsType<SendOutcome.Transient>(await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None));
        Assert.Equal(reads, Vault.ReadsOf("sinch-key-secret"));
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.IsType<SendOutcome.Accepted>(await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None));
        Vault.FailWithStatus = 503;
        _clock.Advance(TimeSpan.FromMinutes(10));

        Assert.IsType<SendOutcome.Accepted>(await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None));
    }

    [Fact]
    public async Task The_store_is_chosen_by_the_vault_setting()
    {
        await using var withVault = CreateHost();
        await using var withoutVault = SenderHost.Create(SenderHost.SettingsFor(Sinch));

        Assert.Equal("KeyVaultCredentialStore", withVault.Get<ISinchCredentialStore>().GetType().Name);
        Assert.Equal("ConfigurationCredentialStore", withoutVault.Get<ISinchCredentialStore>().GetType().Name);
    }

    [Fact]
    public async Task A_token_issued_for_another_resource_is_refused_as_key_vault_refuses_it()
    {
        await using var host = CreateHost(configure: services => services.AddSingleton<Azure.Core.TokenCredential>(new FixedScopeCredential("https://storage.azure.com/.default")));

        var outcome = await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None);

        Assert.IsNotType<SendOutcome.Accepted>(outcome);
        Assert.True(Vault.RefusedRequests > 0, "the vault accepted a token for another resource");
        Assert.Empty(Sinch.SendRequests);
    }

    /// <summary>Asks for one fixed scope whatever it is asked for: a credential misused for the wrong resource.</summary>
    private sealed class FixedScopeCredential(string scope) : Azure.Core.TokenCredential
    {
        private readonly FakeTokenCredential _inner = new();

        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            _inner.GetToken(new Azure.Core.TokenRequestContext([scope]), cancellationToken);

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            _inner.GetTokenAsync(new Azure.Core.TokenRequestContext([scope]), cancellationToken);
    }

    [Fact]
    public void Credentials_never_print_their_secret()
    {
        var credentials = new SinchCredentials("p", "a", "k", "very-secret-value");

        Assert.DoesNotContain("very-secret-value", credentials.ToString());
        Assert.DoesNotContain("very-secret-value", $"{credentials}");
    }
}
