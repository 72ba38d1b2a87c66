using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Repository;

/// <summary>
/// A newcomer's first hour: every command of the README and docs/ that talks to the local app, the sandbox or the
/// queue runs as written, in reading order, in bash, against what <c>npm start</c> runs: the function classes served
/// on a loopback port with the sample settings (only the addresses replaced), the sandbox wired to the app's callback
/// route, Azurite, and the queue trigger run over what is visible on the send queue after each command. Each answer
/// must be the status the document shows (<c># → 202 …</c>).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class DocumentedExamplesTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string AppUrl = "http://localhost:7071";
    private const string SandboxUrl = "http://127.0.0.1:5180";

    private HttpFunctionsServer _app = null!;
    private SinchSandbox _sinch = null!;
    private SenderHost _host = null!;
    private QueueClient _sendQueue = null!;

    public static TheoryData<string> Documents() => [.. ReadmeExamples.Documents.Where(d => ReadmeExamples.Commands(d).Any(IsRunnable))];

    public async Task InitializeAsync()
    {
        _app = await HttpFunctionsServer.StartAsync();
        _sinch = await SinchSandbox.StartAsync(configure: o => o.WebhookUrl = new Uri(_app.BaseUrl, "api/" + SinchEventsFunction.Route).ToString());
        var settings = SampleSettings();
        _host = SenderHost.Create(settings);
        _app.Host = _host;
        _sendQueue = new QueueClient(azurite.ConnectionString, settings["SendQueueName"]);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _host.DisposeAsync();
        await _sinch.DisposeAsync();
    }

    [Fact]
    public void The_readme_and_docs_have_runnable_examples_for_http_the_queue_and_the_sandbox()
    {
        var runnable = ReadmeExamples.Documents.SelectMany(ReadmeExamples.Commands).Where(IsRunnable).ToList();

        Assert.Contains(runnable, c => c.Document == "README.md" && c.Command.Contains("/api/messages", StringComparison.Ordinal));
        Assert.Contains(runnable, c => c.Document == "README.md" && c.Command.StartsWith("npm run queue -- put", StringComparison.Ordinal));
        Assert.Contains(runnable, c => c.Command.Contains("accepted_then_reset", StringComparison.Ordinal));
        Assert.Contains(runnable, c => c.Command.Contains("/api/dead-letters/replay", StringComparison.Ordinal));
        Assert.Contains(runnable, c => c.Command.Contains("date -u -d", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task Every_example_runs_in_order_and_answers_as_shown(string document)
    {
        var commands = ReadmeExamples.Commands(document).Where(IsRunnable).ToList();

        foreach (var command in commands)
        {
            var isCurl = command.Command.StartsWith("curl ", StringComparison.Ordinal);
            Assert.True(!isCurl || command.ExpectedStatus is not null, $"{command} shows no answer (a '# → <status> …' line after the command)");
            var (exitCode, output) = await RunAsync(command.Command);

            Assert.True(exitCode == 0, $"{command} exited with {exitCode}:\n{output}");
            if (isCurl)
            {
                var status = int.Parse(Status().Match(output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(status == command.ExpectedStatus, $"{command} answered {status}, the document shows {command.ExpectedStatus}:\n{output}");
            }

            await RunQueueTriggerAsync();
        }
    }

    // What the examples need: the app, the sandbox, or Azurite through npm run queue (never Azure, az or azd).
    private static bool IsRunnable(DocumentedCommand command) =>
        (command.Command.StartsWith("curl ", StringComparison.Ordinal) && (command.Command.Contains(AppUrl, StringComparison.Ordinal) || command.Command.Contains(SandboxUrl, StringComparison.Ordinal)))
        || command.Command.StartsWith("npm run queue ", StringComparison.Ordinal);

    private async Task<(int ExitCode, string Output)> RunAsync(string command)
    {
        // curl writes the status last, so that the answer is checked whatever -i/-s the example uses.
        var script = "curl() { command curl -sS -w '\n__status__ %{http_code}\n' \"$@\"; }\n"
            + command.Replace(AppUrl, _app.BaseUrl.ToString().TrimEnd('/'), StringComparison.Ordinal).Replace(SandboxUrl, _sinch.BaseUrl.ToString().TrimEnd('/'), StringComparison.Ordinal);
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["AZURE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    // The host's queue trigger, over what is visible now: a scheduled message stays invisible, as it would.
    private async Task RunQueueTriggerAsync()
    {
        if (!await _sendQueue.ExistsAsync())
        {
            return;
        }

        var function = _host.CreateFunction<SendMessageQueueFunction>();
        while ((await _sendQueue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value is { Length: > 0 } batch)
        {
            foreach (var raw in batch)
            {
                await function.RunAsync(HostQueueMessages.Decode(raw), CancellationToken.None);
                await _sendQueue.DeleteMessageAsync(raw.MessageId, raw.PopReceipt);
            }
        }
    }

    // local.settings.sample.json, as npm start uses it, with only the addresses of this run and tables of its own.
    private Dictionary<string, string?> SampleSettings()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.File("local.settings.sample.json")));
        var settings = sample.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => p.Value.GetString());
        var run = Guid.NewGuid().ToString("N")[..8];
        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["SendQueueStorage"] = azurite.ConnectionString;
        settings["Sinch:ConversationBaseUrl"] = _sinch.BaseUrl.ToString();
        settings["Sinch:AuthBaseUrl"] = _sinch.BaseUrl.ToString();
        settings["Webhooks:PublicBaseUrl"] = _app.BaseUrl.ToString().TrimEnd('/');
        settings["Idempotency:TableName"] = "docsidempotency" + run;
        settings["Webhooks:StatusTableName"] = "docsstatus" + run;
        return settings;
    }

    [GeneratedRegex(@"__status__ (\d{3})\s*$")]
    private static partial Regex Status();
}
