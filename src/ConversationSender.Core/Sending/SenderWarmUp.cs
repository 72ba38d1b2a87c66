using ConversationSender.Sinch;
using ConversationSender.Validation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.Sending;

/// <summary>
/// At start-up, in the background, does what the first send would otherwise wait for: reads the credentials (four
/// vault reads), fetches the OAuth token (which opens the connection to Sinch's auth server), and runs the JSON
/// contract and the validator once. A first send that arrives meanwhile joins the same reads (they are single-flight)
/// instead of starting its own. Nothing is sent to Sinch's API; a failure is logged and left to the first send.
/// </summary>
public sealed partial class SenderWarmUp(
    ISinchCredentialStore credentials,
    OAuthTokenProvider tokens,
    IOptions<SinchOptions> options,
    ILogger<SenderWarmUp> logger) : BackgroundService
{
    private static readonly BinaryData Sample = BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+10000000000" }, "text": "warm-up" }""");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WarmUpOnStart)
        {
            return;
        }

        // Off the host's start-up path: the worker connects to the host while this runs.
        await Task.Yield();
        try
        {
            OutboundMessageValidator.Validate(Sample, out _);
            var read = await credentials.GetAsync(stoppingToken);
            if (options.Value.AuthMode == SinchAuthMode.OAuth2)
            {
                await tokens.GetTokenAsync(read, rejectedToken: null, stoppingToken);
            }

            LogWarmedUp(logger);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The first send will meet the same problem and report it with its outcome.
            LogWarmUpFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up: credentials read and a Sinch token at hand before the first send.")]
    private static partial void LogWarmedUp(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up could not read the credentials or fetch a token ({Error}); the first send will try again.")]
    private static partial void LogWarmUpFailed(ILogger logger, string error);
}
