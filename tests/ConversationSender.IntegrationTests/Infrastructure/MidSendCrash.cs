using ConversationSender.Sinch;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.IntegrationTests.Infrastructure;

/// <summary>
/// A worker that dies between Sinch's answer and its own bookkeeping: the host simulator arms an invocation; the first
/// 2xx from <c>messages:send</c> in that invocation then cancels it, so that nothing after the answer runs (no claim
/// completion, no status record, no delete), as when the process is killed right there.
/// </summary>
public static class MidSendCrash
{
    private static readonly AsyncLocal<CancellationTokenSource?> Armed = new();

    /// <summary>Inserts the crash point into the Conversation client's HTTP pipeline.</summary>
    public static void AddTo(IServiceCollection services) =>
        services.AddHttpClient(nameof(ConversationClient)).AddHttpMessageHandler(() => new CrashPoint());

    /// <summary>Arms the invocation that runs in this async flow: it dies at its first Sinch 2xx.</summary>
    public static void Arm(CancellationTokenSource invocation) => Armed.Value = invocation;

    private sealed class CrashPoint : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode && request.RequestUri?.AbsolutePath.EndsWith(":send", StringComparison.Ordinal) == true && Armed.Value is { } invocation)
            {
                Armed.Value = null;
                response.Dispose();
                await invocation.CancelAsync();
                throw new OperationCanceledException("the worker died after Sinch's answer", invocation.Token);
            }

            return response;
        }
    }
}
