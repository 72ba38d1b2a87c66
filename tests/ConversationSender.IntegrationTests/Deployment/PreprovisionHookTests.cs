using System.Diagnostics;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// azure.yaml's preprovision hook (infra/hooks/preprovision.sh, the posix one) run as azd runs it, with the azd
/// environment's values as variables and a stand-in <c>az</c> first on PATH that records its arguments: with
/// VNET_ENABLED=true it registers Microsoft.App (the app subnet's delegation needs it) unless it is registered already;
/// without it, it calls nothing.
/// </summary>
public sealed class PreprovisionHookTests : IDisposable
{
    private readonly string _bin = Directory.CreateTempSubdirectory("fake-az-").FullName;

    public PreprovisionHookTests()
    {
        var az = Path.Combine(_bin, "az");
        File.WriteAllText(az, """
            #!/bin/sh
            echo "$*" >> "$FAKE_AZ_LOG"
            if [ "$1 $2" = "provider show" ]; then echo "$FAKE_AZ_STATE"; fi
            """.Replace("\r", "", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    [Theory]
    [InlineData("false")]
    [InlineData("")]
    public async Task Without_a_vnet_it_calls_nothing(string vnetEnabled)
    {
        var (exitCode, calls) = await RunHookAsync(vnetEnabled, state: "NotRegistered");

        Assert.Equal(0, exitCode);
        Assert.Empty(calls);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("True")]
    public async Task With_a_vnet_it_registers_microsoft_app_in_the_environments_subscription(string vnetEnabled)
    {
        var (exitCode, calls) = await RunHookAsync(vnetEnabled, state: "NotRegistered");

        Assert.Equal(0, exitCode);
        Assert.Equal(
        [
            "provider show --namespace Microsoft.App --subscription 00000000-0000-0000-0000-0000000000aa --query registrationState --output tsv",
            "provider register --namespace Microsoft.App --subscription 00000000-0000-0000-0000-0000000000aa --wait",
        ], calls);
    }

    [Fact]
    public async Task With_a_vnet_and_microsoft_app_registered_it_only_checks()
    {
        var (exitCode, calls) = await RunHookAsync("true", state: "Registered");

        Assert.Equal(0, exitCode);
        Assert.Equal(["provider show --namespace Microsoft.App --subscription 00000000-0000-0000-0000-0000000000aa --query registrationState --output tsv"], calls);
    }

    [Fact]
    public void Azure_yaml_runs_the_hook_before_provisioning_on_posix_and_windows()
    {
        var azure = File.ReadAllText(RepositoryRoot.File("azure.yaml"));

        Assert.Matches(@"(?m)^hooks:\s*\n(?:\s*#.*\n)?\s+preprovision:", azure);
        Assert.Contains("run: infra/hooks/preprovision.sh", azure, StringComparison.Ordinal);
        Assert.Contains("run: infra/hooks/preprovision.ps1", azure, StringComparison.Ordinal);
        Assert.True(File.Exists(RepositoryRoot.File("infra", "hooks", "preprovision.ps1")));
        Assert.Contains("az provider register @arguments --wait", File.ReadAllText(RepositoryRoot.File("infra", "hooks", "preprovision.ps1")), StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, List<string> Calls)> RunHookAsync(string vnetEnabled, string state)
    {
        var log = Path.Combine(_bin, "calls.log");
        File.Delete(log);
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot.Path };
        start.ArgumentList.Add(RepositoryRoot.File("infra", "hooks", "preprovision.sh"));
        start.Environment["PATH"] = _bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["VNET_ENABLED"] = vnetEnabled;
        start.Environment["AZURE_SUBSCRIPTION_ID"] = "00000000-0000-0000-0000-0000000000aa";
        start.Environment["FAKE_AZ_LOG"] = log;
        start.Environment["FAKE_AZ_STATE"] = state;

        using var hook = Process.Start(start)!;
        var output = hook.StandardOutput.ReadToEndAsync();
        var errors = hook.StandardError.ReadToEndAsync();
        await hook.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(hook.ExitCode == 0, $"the hook failed: {await output}{await errors}");
        return (hook.ExitCode, File.Exists(log) ? [.. File.ReadAllLines(log)] : []);
    }
}
