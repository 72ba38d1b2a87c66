using System.Diagnostics;
using Xunit.Abstractions;

namespace ConversationSender.IntegrationTests.Sandbox;

/// <summary>
/// Sinch's official Node SDK (@sinch/sdk-core, pinned in package.json) against the sandbox: tests/sdk/sinch-node-sdk.mjs
/// sends every message kind, pages the list, reads one message, meets the fault switches and a rotated key, and checks the signed callbacks
/// with the SDK's own validator. The sandbox is right where Sinch's SDK says so, not where our client says so.
/// </summary>
public sealed class SinchNodeSdkTests(ITestOutputHelper output)
{
    private static readonly string[] Checks =
    [
        "every send helper is accepted",
        "a body the sandbox refuses is a 400 with Sinch's envelope",
        "the message list pages newest first",
        "one message is read back by its id, and an unknown id is a 404",
        "an expired token is refreshed and the send retried once (401 with \"expired\")",
        "fault switches reach the SDK as Sinch errors",
        "a channel that is down switches to the next of channel_priority_order",
        "a rotated key: the old secret stops working, the new one works",
        "the SDK's webhook validator accepts every signed callback, and refuses a tampered one",
    ];

    [Fact]
    public async Task The_official_node_sdk_passes_against_the_sandbox()
    {
        await NodePackages.EnsureAsync("@sinch", "sdk-core", "package.json");
        await using var sandbox = await SinchSandbox.StartAsync(configure: options => options.DeliveryReportDelay = TimeSpan.FromMilliseconds(10));

        var (exitCode, stdout) = await RunNodeAsync(sandbox);

        output.WriteLine(stdout);
        Assert.Equal(0, exitCode);
        Assert.Equal(Checks.Select(c => "ok " + c), stdout.Split('\n').Where(l => l.StartsWith("ok ", StringComparison.Ordinal)));
        // What the SDK cannot see: the refused body was refused by the first stage, and the key is back as it was.
        Assert.Contains(sandbox.RefusedRequests, r => r.Contains("latitude: must be between -90 and 90", StringComparison.Ordinal));
        Assert.Equal("sandbox-key-secret", sandbox.KeySecret);
    }

    private static async Task<(int ExitCode, string Output)> RunNodeAsync(SinchSandbox sandbox)
    {
        var start = new ProcessStartInfo("node", [RepositoryRoot.File("tests", "sdk", "sinch-node-sdk.mjs")])
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["SANDBOX_URL"] = sandbox.BaseUrl.ToString(),
                ["SINCH_PROJECT_ID"] = sandbox.Options.ProjectId,
                ["SINCH_APP_ID"] = sandbox.Options.AppId,
                ["SINCH_KEY_ID"] = sandbox.Options.KeyId,
                ["SINCH_KEY_SECRET"] = sandbox.Options.KeySecret,
                ["SINCH_WEBHOOK_SECRET"] = sandbox.Options.WebhookSecret,
            },
        };
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        try
        {
            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            node.Kill(entireProcessTree: true);
            throw;
        }

        return (node.ExitCode, await stdout + await stderr);
    }
}
