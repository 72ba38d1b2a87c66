using ConversationSender.Sinch;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Options;

namespace ConversationSender.IntegrationTests.Repository;

/// <summary>Bad settings stop the app at start-up with a message naming the setting, instead of failing sends later.</summary>
public sealed class StartupValidationTests
{
    private static Dictionary<string, string?> Valid() => new()
    {
        ["Sinch:ProjectId"] = "p",
        ["Sinch:AppId"] = "a",
        ["Sinch:KeyId"] = "k",
        ["Sinch:KeySecret"] = "s",
    };

    [Theory]
    [InlineData("Sinch:Region", "mars", "Sinch:Region must be one of us, eu, br")]
    [InlineData("Sinch:ConversationBaseUrl", "not a url", "Sinch:ConversationBaseUrl must be an absolute http(s) URL")]
    [InlineData("Sinch:AuthBaseUrl", "ftp://auth", "Sinch:AuthBaseUrl must be an absolute http(s) URL")]
    [InlineData("Sinch:KeySecret", "", "Sinch:KeySecret is required when KeyVault:VaultUri is not set")]
    [InlineData("KeyVault:VaultUri", "http://vault.example", "KeyVault:VaultUri must be an absolute https URL")]
    [InlineData("SendQueueName", "Bad_Queue", "SendQueueName must be 3-56 lower-case")]
    [InlineData("SendQueue:QueueName", "outbound-messages", "SendQueue:QueueName (SendQueue__QueueName) was renamed to SendQueueName")]
    [InlineData("SendQueue:MaxRetryAge", "8.00:00:00", "MaxRetryAge")]
    [InlineData("SendQueue:RetryBaseDelay", "00:00:00", "RetryBaseDelay")]
    [InlineData("Sinch:MaxRetries", "50", "MaxRetries")]
    [InlineData("KeyVault:SecretNames:KeySecret", "", "SecretNames.KeySecret")]
    [InlineData("Idempotency:InFlightTimeout", "00:00:45", "Idempotency:InFlightTimeout (00:00:45) must exceed the longest a send can take (00:01:00")]
    public void A_bad_setting_fails_start_up_naming_it(string setting, string value, string expected)
    {
        var settings = Valid();
        settings[setting] = value;

        var ex = Assert.ThrowsAny<Exception>(() => SenderHost.Create(settings));

        var failures = ex is AggregateException many ? many.InnerExceptions : [ex];
        Expect.All(failures, f => Assert.IsType<OptionsValidationException>(f));
        Assert.Contains(failures, f => f.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_vault_needs_no_local_credentials()
    {
        await using var host = SenderHost.Create(new() { ["KeyVault:VaultUri"] = "https://my-vault.vault.azure.net/" });

        Assert.Equal("KeyVaultCredentialStore", host.Get<ConversationSender.Sinch.ISinchCredentialStore>().GetType().Name);
    }

    [Theory]
    [InlineData("us", "https://us.conversation.api.sinch.com/")]
    [InlineData("eu", "https://eu.conversation.api.sinch.com/")]
    [InlineData("BR", "https://br.conversation.api.sinch.com/")]
    public void Regions_map_to_sinchs_regional_hosts(string region, string expected) =>
        Assert.Equal(new Uri(expected), new SinchOptions { Region = region }.ResolveConversationBaseUrl());

    [Fact]
    public void Overridden_base_urls_win_and_get_a_trailing_slash()
    {
        var options = new SinchOptions { Region = "eu", ConversationBaseUrl = "http://127.0.0.1:3014", AuthBaseUrl = "http://127.0.0.1:3011" };

        Assert.Equal(new Uri("http://127.0.0.1:3014/"), options.ResolveConversationBaseUrl());
        Assert.Equal(new Uri("http://127.0.0.1:3011/"), options.ResolveAuthBaseUrl());
        Assert.Equal(new Uri("https://auth.sinch.com/"), new SinchOptions().ResolveAuthBaseUrl());
    }
}
