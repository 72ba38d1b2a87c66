using Azure.Core.Pipeline;
using ConversationSender.Sending;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace ConversationSender.IntegrationTests.Credentials;

/// <summary>
/// A key rotated while a background (stale-while-revalidate) vault read that began before the rotation is still in
/// flight: the real <c>SecretClient</c> against the fake vault, with that read's answers held on their way back.
/// </summary>
public sealed class KeyRotationRaceTests(ITestOutputHelper output) : VaultedSandboxTest("vault-project", "01VAULTAPP0000000000000001")
{
    private const string Message = """{ "to": { "channel": "SMS", "identity": "+46700000003" }, "text": "hi" }""";
    private const string KeySecretName = "sinch-key-secret";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("Basic")]
    [InlineData("OAuth2")]
    public async Task A_rotation_landing_during_a_background_read_refuses_no_send_once_the_vault_holds_the_new_key(string authMode)
    {
        using var answers = new HeldAnswers(Vault.CreateTrustingHandler());
        await using var host = SenderHost.CreateWithKeyVault(Sinch, Vault, s =>
        {
            s["Sinch:AuthMode"] = authMode;
            s["KeyVault:CacheDuration"] = "00:05:00";
        }, services =>
        {
            services.AddSingleton<TimeProvider>(_clock);
            services.AddAzureClients(clients => clients.ConfigureDefaults(o => o.Transport = new HttpClientTransport(answers)));
        });
        var service = host.Get<SendService>();
        Assert.IsType<SendOutcome.Accepted>(await Send(service));

        // Past the cache duration: this send goes out on the held key and starts a background read, whose four
        // answers (the old key) the vault gives at once and which are then held on their way back.
        _clock.Advance(TimeSpan.FromMinutes(6));
        answers.HoldNext(4);
        Assert.IsType<SendOutcome.Accepted>(await Send(service));
        await Eventually.UntilAsync(() => answers.Held, n => n == 4, "the background read's answers to be in flight");

        // The rotation: Sinch takes only the new key, and the vault already holds it.
        Sinch.KeySecret = "fake-key-secret-2";
        Sinch.RevokeIssuedTokens();
        Vault.Secrets[KeySecretName] = "fake-key-secret-2";
        var readsBefore = Vault.ReadsOf(KeySecretName);

        // The first send after the rotation is refused on the old key while the pre-rotation read is still in flight;
        // that read is let go as soon as Sinch has refused the old key.
        var requestsBefore = Sinch.Requests.Count;
        var first = Send(service);
        await Eventually.UntilAsync(() => Sinch.Requests.Count, n => n > requestsBefore, "Sinch to see the old key");
        answers.Release();
        var outcomes = new List<SendOutcome> { await first };

        // Then a minute and a half of sends, one every three seconds: past RereadAfterRefusal (one minute).
        for (var i = 0; i < 30; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(3));
            outcomes.Add(await Send(service));
        }

        var refused = outcomes.Where(o => o is not SendOutcome.Accepted).ToList();
        output.WriteLine(
            $"{authMode}: sends after the vault holds the new key: {outcomes.Count}; refused: {refused.Count} " +
            $"({string.Join(", ", refused.GroupBy(o => o.GetType().Name).Select(g => $"{g.Key} x{g.Count()}"))}); " +
            $"vault reads of the key since the rotation: {Vault.ReadsOf(KeySecretName) - readsBefore}");
        Assert.Empty(refused);
        Assert.Equal(1, Vault.ReadsOf(KeySecretName) - readsBefore); // the one forced read, not one per send
    }

    private static async Task<SendOutcome> Send(SendService service) =>
        await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None);

    /// <summary>
    /// Holds the next few successful vault answers, already received in full, before the SDK sees them: a read the
    /// vault answered before a rotation that is still on its way back after it.
    /// </summary>
    private sealed class HeldAnswers(HttpMessageHandler vault) : DelegatingHandler(vault)
    {
        private readonly Lock _gate = new();
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _toHold;
        private int _held;

        public int Held => Volatile.Read(ref _held);

        public void HoldNext(int count)
        {
            lock (_gate)
            {
                _toHold = count;
            }
        }

        public void Release() => _release.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode || !TakeOne())
            {
                return response;
            }

            await response.Content.LoadIntoBufferAsync(cancellationToken);
            Interlocked.Increment(ref _held);
            await _release.Task.WaitAsync(cancellationToken);
            return response;
        }

        private bool TakeOne()
        {
            lock (_gate)
            {
                if (_toHold == 0)
                {
                    return false;
                }

                _toHold--;
                return true;
            }
        }
    }
}
