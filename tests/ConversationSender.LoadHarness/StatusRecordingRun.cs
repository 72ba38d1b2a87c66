using ConversationSender.Sending;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.LoadHarness;

/// <summary>The send service with each send recorded for the status lookup (one Azurite table write per send), at C = 16.</summary>
internal static class StatusRecordingRun
{
    public static async Task<RunResult> RunAsync(SendRig rig, int messages)
    {
        await using var statusProvider = rig.BuildProvider(rig.WithStatusRecording());
        var statusSend = statusProvider.GetRequiredService<SendService>();
        await statusSend.SendAsync(rig.Body, CancellationToken.None);
        var withStatus = await LoadRunner.RunAsync("send service + status record", Math.Min(messages, 5000), 16, async _ => await statusSend.SendAsync(rig.Body, CancellationToken.None) is SendOutcome.Accepted);
        Console.WriteLine($"with status recording: {withStatus.PerSecond:F0}/s");
        return withStatus;
    }
}
