using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ConversationSender.Testing;

/// <summary>
/// One real Azurite (blob, queue, table) from the repository's package.json on free loopback ports, without
/// telemetry; in memory, or on disk so that it can be restarted with its data (same ports). With <c>oauth</c>, it serves
/// HTTPS and accepts Entra ID bearer tokens as well as the account key, as a storage account used through a managed
/// identity does (Azurite's basic OAuth: audience, issuer and lifetime are checked, signatures are not).
/// </summary>
public sealed partial class AzuriteProcess : IAsyncDisposable
{
    // The documented, public development account of the storage emulator (not a secret).
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly StringBuilder _output = new();
    private readonly string? _location;
    private readonly LoopbackCertificate? _certificate;
    private readonly bool _ownsCertificate;
    private readonly string _scratch = Directory.CreateTempSubdirectory("azurite-tests-").FullName;
    private Process? _process;
    private Dictionary<string, int> _ports = new() { ["Blob"] = 0, ["Queue"] = 0, ["Table"] = 0 };

    private AzuriteProcess(bool persistent, bool oauth, LoopbackCertificate? certificate)
    {
        _location = persistent ? Path.Combine(_scratch, "data") : null;
        _ownsCertificate = oauth && certificate is null;
        _certificate = oauth ? certificate ?? LoopbackCertificate.Create("127.0.0.1") : null;
    }

    private string Scheme => _certificate is null ? "http" : "https";

    public string ConnectionString =>
        $"DefaultEndpointsProtocol={Scheme};AccountName=devstoreaccount1;AccountKey={DevAccountKey};" +
        $"BlobEndpoint={Endpoint("Blob")};QueueEndpoint={Endpoint("Queue")};TableEndpoint={Endpoint("Table")};";

    /// <summary>The endpoint of one service (Blob, Queue, Table), as a storage account's primaryEndpoints give it.</summary>
    public Uri ServiceUri(string service) => new(Endpoint(service) + "/");

    private string Endpoint(string service) => $"{Scheme}://127.0.0.1:{_ports[service]}/devstoreaccount1";

    /// <summary>For the Azure SDK's transport: trusts this Azurite's certificate only (with OAuth on).</summary>
    public HttpMessageHandler CreateTrustingHandler() =>
        _certificate?.CreateTrustingHandler() ?? throw new InvalidOperationException("Azurite runs without TLS: start it with oauth.");

    /// <param name="persistent">Keep data on disk, so that a restart keeps it.</param>
    /// <param name="oauth">Serve HTTPS and accept bearer tokens, with <paramref name="certificate"/> or one of its own.</param>
    /// <param name="certificate">A certificate shared with other local stand-ins, so one trusting transport serves all.</param>
    public static async Task<AzuriteProcess> StartAsync(bool persistent = false, bool oauth = false, LoopbackCertificate? certificate = null)
    {
        var azurite = new AzuriteProcess(persistent, oauth, certificate);
        await azurite.LaunchAsync();
        return azurite;
    }

    /// <summary>Stops the process and starts it again on the same ports (data survives only when persistent).</summary>
    public async Task RestartAsync()
    {
        Stop();
        await LaunchAsync();
    }

    /// <summary>
    /// Asks Azurite to shut down (SIGINT) so it flushes its metadata, as a storage service would keep what it
    /// acknowledged; a hard kill would lose the writes of its last autosave interval, which real storage never does.
    /// </summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            using (var interrupt = Process.Start(new ProcessStartInfo("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
            {
                interrupt?.WaitForExit(5_000);
            }

            if (!_process.WaitForExit(15_000))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }

        _process?.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        if (_ownsCertificate)
        {
            _certificate?.Dispose();
        }

        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    private async Task LaunchAsync()
    {
        var root = RepositoryRoot.Path;
        var entry = await NodePackages.EnsureAsync("azurite", "dist", "src", "azurite.js");

        // Run from a scratch folder so that nothing Azurite writes lands in the repository.
        var start = new ProcessStartInfo("node") { WorkingDirectory = _scratch, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var args = new List<string>
        {
            entry, "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", Port("Blob"), "--queuePort", Port("Queue"), "--tablePort", Port("Table"),
            "--disableTelemetry", "--skipApiVersionCheck", "--silent",
        };
        args.AddRange(_location is null ? ["--inMemoryPersistence"] : ["--location", _location]);
        if (_certificate is not null)
        {
            var (certificate, key) = _certificate.WritePem(_scratch);
            args.AddRange(["--oauth", "basic", "--cert", certificate, "--key", key]);
        }

        args.ForEach(start.ArgumentList.Add);

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var found = new Dictionary<string, int>();
        _process = StartNode(start);
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data, found, ready);
        _process.ErrorDataReceived += (_, e) => OnOutput(e.Data, found, ready);
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"Azurite exited early:\n{Output()}"));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        _ports = found;
    }

    private string Port(string service) => _ports[service].ToString(CultureInfo.InvariantCulture);

    private void OnOutput(string? line, Dictionary<string, int> found, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (Listening().Match(line) is { Success: true } match)
            {
                found[match.Groups[1].Value] = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                if (found.Count == 3)
                {
                    ready.TrySetResult();
                }
            }
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
            return Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Node.js is needed to run Azurite for the storage tests, and '{start.FileName}' was not found on PATH. Install Node.js 20 or later.", ex);
        }
    }

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at https?://[^:]+:(\d+)")]
    private static partial Regex Listening();
}
