using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ConversationSender.Sandbox;
using ConversationSender.Testing;

/// <summary>The sandbox in a process of its own (its Release build), so that it does not take the client's cores.</summary>
internal sealed class SandboxProcess : IDisposable
{
    private readonly Process _process;

    private SandboxProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public static async Task<SandboxProcess> StartAsync(SandboxOptions options)
    {
        var dll = RepositoryRoot.File("src", "ConversationSender.Sandbox", "bin", "Release", "net10.0", "ConversationSender.Sandbox.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"Build the sandbox first: dotnet build -c Release src/ConversationSender.Sandbox ({dll} is missing).");
        }

        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, "--urls", $"http://127.0.0.1:{port}",
                "--Sandbox:ProjectId", options.ProjectId, "--Sandbox:AppId", options.AppId,
                "--Sandbox:MaxCaptured", options.MaxCaptured.ToString(CultureInfo.InvariantCulture),
                "--Logging:LogLevel:Default", "Warning",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("The sandbox process did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { BaseAddress = baseUrl };
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(100))
        {
            try
            {
                if ((await http.GetAsync(new Uri("health", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return new SandboxProcess(process, baseUrl);
                }
            }
            catch (HttpRequestException)
            {
            }
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("The sandbox process did not answer /health within 30 s.");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
