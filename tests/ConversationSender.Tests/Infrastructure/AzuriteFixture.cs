using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace ConversationSender.Tests.Infrastructure;

/// <summary>
/// A real Azurite queue service from the repository's package.json, on a free loopback port, in memory,
/// without telemetry. Installs the npm packages first (npm ci) when node_modules is missing.
/// </summary>
public sealed partial class AzuriteFixture : IAsyncLifetime
{
    // The documented, public development account of the storage emulator (not a secret).
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly StringBuilder _output = new();
    private Process? _process;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot.Path;
        var entry = Path.Combine(root, "node_modules", "azurite", "dist", "src", "queue", "main.js");
        if (!File.Exists(entry))
        {
            await RunNpmCiAsync(root);
        }

        if (!File.Exists(entry))
        {
            throw new InvalidOperationException($"Azurite is not installed at {entry}; run 'npm ci' in {root}.");
        }

        // In memory, but run from a scratch folder so that nothing Azurite writes lands in the repository.
        var scratch = Directory.CreateTempSubdirectory("azurite-tests-").FullName;
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = scratch,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { entry, "--queueHost", "127.0.0.1", "--queuePort", "0", "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--silent" })
        {
            start.ArgumentList.Add(arg);
        }

        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = StartNode(start);
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data, port);
        _process.ErrorDataReceived += (_, e) => OnOutput(e.Data, port);
        _process.Exited += (_, _) => port.TrySetException(new InvalidOperationException($"Azurite exited early:\n{Output()}"));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var listening = await port.Task.WaitAsync(TimeSpan.FromSeconds(60));
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};QueueEndpoint=http://127.0.0.1:{listening}/devstoreaccount1;";
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }

    private void OnOutput(string? line, TaskCompletionSource<int> port)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (Listening().Match(line) is { Success: true } match)
        {
            port.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static Process StartNode(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Node.js is needed to run Azurite for the queue tests, and '{start.FileName}' was not found on PATH. Install Node.js 20 or later.", ex);
        }
    }

    private static async Task RunNpmCiAsync(string root)
    {
        var npm = new ProcessStartInfo("npm") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            npm.ArgumentList.Add(arg);
        }

        using var process = StartNode(npm);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'npm ci' failed in {root} (exit {process.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }

    [GeneratedRegex(@"listens on https?://[^:]+:(\d+)")]
    private static partial Regex Listening();
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
