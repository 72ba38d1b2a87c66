using ConversationSender.Sending;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Sending;

/// <summary>Across every kind of outcome, logs never carry a secret, an identity or a message text.</summary>
public sealed class SensitiveDataTests
{
    private const string Identity = "+46705550199";
    private const string Text = "one-time code 771177";

    [Fact]
    public async Task Logs_hold_no_secret_identity_or_text_whatever_the_outcome()
    {
        await using var sinch = await SinchSandbox.StartAsync();
        await using var vault = await FakeKeyVaultServer.StartAsync();
        var keySecret = sinch.KeySecret;
        SinchSecrets.Store(vault, sinch, "p1", "a1");
        await using var host = SenderHost.CreateWithKeyVault(sinch, vault);
        var service = host.Get<SendService>();
        var message = BinaryData.FromString($$"""{ "to": { "channel": "SMS", "identity": "{{Identity}}" }, "text": "{{Text}}" }""");
        var invalid = BinaryData.FromString($$"""{ "to": { "channel": "SMZ", "identity": "{{Identity}}" }, "text": "{{Text}}", "{{Identity}}": 1 }""");

        var outcomes = new List<SendOutcome>
        {
            await service.SendAsync(message, CancellationToken.None),
            await service.SendAsync(invalid, CancellationToken.None),
        };
        sinch.Script(FakeResponse.SinchError(400, "INVALID_ARGUMENT", "bad"), FakeResponse.SinchError(500, "INTERNAL", "boom"));
        outcomes.Add(await service.SendAsync(message, CancellationToken.None));
        outcomes.Add(await service.SendAsync(message, CancellationToken.None));
        sinch.KeySecret = "new-secret-not-in-vault";
        sinch.ExpireIssuedTokens();
        outcomes.Add(await service.SendAsync(message, CancellationToken.None));

        Assert.Equal(
            ["Accepted", "Rejected", "Rejected", "Transient", "Misconfigured"],
            outcomes.Select(o => o.GetType().Name));
        var logs = string.Join("\n", host.Logs.Lines);
        Assert.NotEmpty(host.Logs.Lines);
        foreach (var sensitive in new[] { keySecret, "new-secret-not-in-vault", Identity, Text, SandboxToken.Prefix, FakeTokenCredential.Signature })
        {
            Assert.DoesNotContain(sensitive, logs, StringComparison.Ordinal);
        }
    }
}
