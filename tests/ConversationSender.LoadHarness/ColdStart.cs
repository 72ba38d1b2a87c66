using System.Diagnostics;
using System.Globalization;
using System.Text;
using ConversationSender.Functions;
using ConversationSender.Sandbox;
using ConversationSender.Sending;
using ConversationSender.Testing;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ConversationSender.LoadHarness;

/// <summary>
/// Time from process start to the first accepted send, for this harness published twice (ReadyToRun and JIT-only,
/// linux-x64, framework-dependent as on Flex Consumption). The child builds the worker's own host
/// (<c>FunctionsApplication.CreateBuilder</c> + <c>ConfigureSender</c>, as <c>Program.cs</c> does), starts its
/// warm-up as the host would, and sends one message to the sandbox; the parent times it from <c>Process.Start</c>.
/// </summary>
internal static class ColdStart
{
    public const string ChildFlag = "--cold-start-child";

    public static async Task RunChildAsync(string sandboxUrl, bool warmUp)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        var settings = SenderSettings.PointingAt(new Uri(sandboxUrl), "cold-project", "01COLDAPP00000000000000001", new SandboxOptions().KeyId, new SandboxOptions().KeySecret);
        settings["Sinch:WarmUpOnStart"] = warmUp ? "true" : "false";
        settings["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:9";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.ConfigureSender();
        using var host = builder.Build();
        foreach (var service in host.Services.GetServices<IHostedService>().OfType<SenderWarmUp>())
        {
            await service.StartAsync(CancellationToken.None);
        }

        var built = SinceProcessStart();
        var outcome = await host.Services.GetRequiredService<SendService>().SendAsync(
            BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }"""), CancellationToken.None);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(outcome is SendOutcome.Accepted ? "accepted" : outcome.GetType().Name)} {built:F0} {SinceProcessStart():F0}"));
    }

    public static async Task<string> CompareAsync(int runs)
    {
        var harness = RepositoryRoot.File("tests", "ConversationSender.LoadHarness", "ConversationSender.LoadHarness.csproj");
        var variants = new[] { ("ReadyToRun", true), ("JIT only", false) };
        var folders = new Dictionary<string, string>();
        foreach (var (name, readyToRun) in variants)
        {
            var output = Path.Combine(Path.GetTempPath(), "cold-start-" + (readyToRun ? "r2r" : "jit"));
            await RunAsync("dotnet", ["publish", harness, "-c", "Release", "-r", "linux-x64", "--self-contained", "false", $"-p:PublishReadyToRun={readyToRun}", "-o", output]);
            folders[name] = output;
        }

        await using var sandbox = await SinchSandbox.StartAsync(configure: o =>
        {
            o.ProjectId = "cold-project";
            o.AppId = "01COLDAPP00000000000000001";
        });
        var results = variants.SelectMany(v => new[] { (v.Item1, true), (v.Item1, false) }).ToDictionary(v => v, _ => new List<(double Wall, double Built)>());
        for (var run = 0; run < runs; run++)
        {
            foreach (var key in results.Keys)
            {
                var dll = Path.Combine(folders[key.Item1], "ConversationSender.LoadHarness.dll");
                var clock = Stopwatch.StartNew();
                var line = await RunAsync("dotnet", [dll, ChildFlag, sandbox.BaseUrl.ToString(), key.Item2 ? "warm-up" : "no-warm-up"]);
                var wall = clock.Elapsed.TotalMilliseconds;
                var parts = line.Trim().Split(' ');
                if (parts[0] != "accepted")
                {
                    throw new InvalidOperationException($"The cold start's send was not accepted: {line}");
                }

                results[key].Add((wall, double.Parse(parts[1], CultureInfo.InvariantCulture)));
            }
        }

        var report = new StringBuilder();
        report.AppendLine(GeneratedDocSection.MachineLine());
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{runs} cold starts per variant, alternated; each a new `dotnet` process that builds the worker's host, starts the warm-up and sends one message to the sandbox (loopback, credentials from settings: no vault latency). Wall time from `Process.Start` to the accepted send, which includes the runtime's own start.");
        report.AppendLine();
        report.AppendLine("| published | warm-up | first accepted send, median (ms) | min | max | host built, median (ms after process start) |");
        report.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var ((variant, warmUp), samples) in results)
        {
            var walls = samples.Select(s => s.Wall).Order().ToArray();
            var builds = samples.Select(s => s.Built).Order().ToArray();
            report.AppendLine(CultureInfo.InvariantCulture, $"| {variant} | {(warmUp ? "on" : "off")} | {walls[walls.Length / 2]:F0} | {walls[0]:F0} | {walls[^1]:F0} | {builds[builds.Length / 2]:F0} |");
        }

        return report.ToString();
    }

    private static double SinceProcessStart() => (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;

    private static async Task<string> RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await error}");
        }

        return await output;
    }
}
