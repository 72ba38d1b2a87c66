using System.Reflection;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Monitor.OpenTelemetry.Exporter;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// The worker as Azure starts it: the app settings come from the compiled ARM template (infra/), the host from the
/// same builder as Program.cs, with its packages and its telemetry switch. Only values that point at Azure are
/// replaced, each by a local stand-in: storage endpoints by Azurite (HTTPS, bearer tokens), the vault by the fake
/// vault, the identity by the fake credential, Application Insights by a loopback ingestion endpoint; and the
/// Sinch URLs by the sandbox. A setting the code needs that the template lacks, an Azure value without a stand-in,
/// a package that fails to load, or a function class that cannot be built fails here.
/// </summary>
public sealed class AzureStartupTests : IAsyncLifetime
{
    private const string IdentityClientId = "00000000-0000-0000-0000-00000000c11d";
    private const string Message = """{ "to": { "channel": "SMS", "identity": "+46700000042" }, "text": "started as in Azure" }""";

    private readonly FakeTokenCredential _credential = new();
    private LoopbackCertificate _certificate = null!;
    private AzuriteProcess _azurite = null!;
    private FakeKeyVaultServer _vault = null!;
    private FakeTelemetryIngestion _ingestion = null!;
    private SinchSandbox _sinch = null!;

    public async Task InitializeAsync()
    {
        _certificate = LoopbackCertificate.Create(FakeKeyVaultServer.HostName);
        _azurite = await AzuriteProcess.StartAsync(oauth: true, certificate: _certificate);
        _vault = await FakeKeyVaultServer.StartAsync(_certificate);
        _ingestion = await FakeTelemetryIngestion.StartAsync(_certificate);
        _sinch = await SinchSandbox.StartAsync();
        SinchSecrets.Store(_vault, _sinch, "azure-project", "01AZUREAPP0000000000000001");
        _vault.Secrets["sinch-webhook-secret"] = "azure-webhook-secret";
    }

    public async Task DisposeAsync()
    {
        await _sinch.DisposeAsync();
        await _ingestion.DisposeAsync();
        await _vault.DisposeAsync();
        await _azurite.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task The_worker_starts_with_the_templates_settings_and_sends_over_http_and_the_queue()
    {
        var settings = await AppSettingsFromTemplateAsync();

        await RunWorkerAndSendAsync(settings);

        Assert.Equal(0, _vault.RefusedRequests);
        Assert.Contains(_credential.RequestedScopes, s => s.StartsWith("https://storage.azure.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_worker_starts_with_every_optional_feature_switched_on()
    {
        var settings = await AppSettingsFromTemplateAsync();
        settings["Idempotency:Enabled"] = "true";
        settings["Webhooks:RecordStatus"] = "true";
        settings["Webhooks:ForwardQueueName"] = "sinch-events";
        settings["Sinch:RetryAmbiguousFailures"] = "true";
        settings["Sinch:AuthMode"] = "Basic";
        settings["Sinch:MaxSendsPerSecond"] = "0.75";
        settings["SendQueue:DeadLetterQueueName"] = "outbound-dead-letters";
        settings["Telemetry:TraceSamplingRatio"] = "0.25";

        await RunWorkerAndSendAsync(settings);

        Assert.Equal(0, _vault.RefusedRequests);
        Expect.All(_sinch.SendRequests, r => Assert.StartsWith("Basic ", r.Authorization, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_trace_sampling_ratio_outside_0_to_1_stops_start_up_naming_the_setting()
    {
        var settings = await AppSettingsFromTemplateAsync();
        settings["Telemetry:TraceSamplingRatio"] = "1.5";
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TokenCredential>(_credential);
        builder.ConfigureSender();

        using var host = builder.Build();
        var refused = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("TraceSamplingRatio", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_setting_name_in_a_binding_expression_is_flat_and_set_by_the_template()
    {
        var settings = await AppSettingsFromTemplateAsync();
        var metadata = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata"));
        var names = System.Text.RegularExpressions.Regex.Matches(metadata, "%([^%\"]+)%").Select(m => m.Groups[1].Value).Distinct().ToList();
        var connections = System.Text.RegularExpressions.Regex.Matches(metadata, "\"connection\"\\s*:\\s*\"([^\"]+)\"").Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(names);
        Assert.NotEmpty(connections);
        Expect.All(names.Concat(connections), name => Assert.DoesNotContain(':', name));
        Expect.All(names.Concat(connections), name => Assert.DoesNotContain("__", name, StringComparison.Ordinal));
        Expect.All(names, name => Assert.True(settings.ContainsKey(name), $"%{name}% is not an app setting of the template"));
        Expect.All(connections, name => Assert.Contains(settings.Keys, k => k.StartsWith(name + ":", StringComparison.Ordinal)));
    }

    /// <summary>The site's app settings as ARM would write them, in configuration form (<c>__</c> → <c>:</c>).</summary>
    private async Task<Dictionary<string, string?>> AppSettingsFromTemplateAsync()
    {
        var main = new ArmTemplate(await CompiledInfra.MainAsync(), new Dictionary<string, object?>
        {
            ["environmentName"] = "startup-test",
            ["location"] = "swedencentral",
        }, StandIn);
        var app = main.Module("app");
        var values = (Dictionary<string, object?>)app.Evaluate(app.Resource("Microsoft.Web/sites/config")["properties"])!;
        var settings = values.ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value, StringComparer.OrdinalIgnoreCase);

        // Sinch is not Azure, but the sandbox stands in for it as it does everywhere else.
        settings["Sinch:ConversationBaseUrl"] = _sinch.BaseUrl.ToString();
        settings["Sinch:AuthBaseUrl"] = _sinch.BaseUrl.ToString();
        return settings;
    }

    private string StandIn(ArmTemplate.AzureValue value) => (value.ResourceType, value.Property) switch
    {
        ("Microsoft.Storage/storageAccounts", "primaryEndpoints.blob") => _azurite.ServiceUri("Blob").ToString(),
        ("Microsoft.Storage/storageAccounts", "primaryEndpoints.queue") => _azurite.ServiceUri("Queue").ToString(),
        ("Microsoft.Storage/storageAccounts", "primaryEndpoints.table") => _azurite.ServiceUri("Table").ToString(),
        ("Microsoft.KeyVault/vaults", "vaultUri") => _vault.VaultUri.ToString(),
        ("Microsoft.Insights/components", "ConnectionString") => _ingestion.ConnectionString,
        ("Microsoft.ManagedIdentity/userAssignedIdentities", "clientId") => IdentityClientId,
        ("Microsoft.ManagedIdentity/userAssignedIdentities", "principalId") => "00000000-0000-0000-0000-00000000a11d",
        ("Microsoft.Web/sites", "defaultHostName") => "127.0.0.1:9",
        _ => throw new InvalidOperationException(
            $"The template gives the app {value.ResourceType}.{value.Property}, which only Azure knows, and this test has no local stand-in for it."),
    };

    private async Task RunWorkerAndSendAsync(Dictionary<string, string?> settings)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);

        // What the Functions host passes to the worker it starts; read at resolution, connected only when the host runs.
        builder.Configuration["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:9";

        // The stand-ins: the fake identity, and transports that trust the stand-ins' certificate and stay on 127.0.0.1.
        builder.Services.AddSingleton<TokenCredential>(_credential);
        builder.Services.AddAzureClients(clients => clients.ConfigureDefaults(o => o.Transport = new HttpClientTransport(_certificate.CreateTrustingHandler())));
        builder.ConfigureSender();
        builder.Services.PostConfigure<AzureMonitorExporterOptions>(o =>
        {
            o.Transport = new HttpClientTransport(_certificate.CreateTrustingHandler());
            o.DisableOfflineStorage = true;
        });

        var host = builder.Build();
        try
        {
            host.Services.GetRequiredService<IStartupValidator>().Validate();

            // Every trace exported (the template's Telemetry__TraceSamplingRatio), not the exporter's 5 traces a second.
            var exporter = host.Services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);
            Assert.Equal(float.Parse(settings["Telemetry:TraceSamplingRatio"]!, System.Globalization.CultureInfo.InvariantCulture), exporter.SamplingRatio);
            Assert.Null(exporter.TracesPerSecond);

            // The host's own start would open the gRPC channel to the Functions host, which is not here; the telemetry
            // services it would start (the exporter attaches its processors then) are started as it would start them.
            var telemetry = host.Services.GetServices<IHostedService>().Where(s => s.GetType().Assembly.GetName().Name!.StartsWith("OpenTelemetry", StringComparison.Ordinal)
                || s.GetType().Assembly.GetName().Name!.StartsWith("Azure.Monitor", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(telemetry);
            foreach (var service in telemetry)
            {
                await service.StartAsync(CancellationToken.None);
            }

            using var scope = host.Services.CreateScope();
            var functions = FunctionClasses().Select(type => ActivatorUtilities.CreateInstance(scope.ServiceProvider, type)).ToList();
            Assert.True(functions.Count >= 6, $"found only {functions.Count} function classes");

            var http = functions.OfType<SendMessageHttpFunction>().Single();
            var sent = await SendOverHttpAsync(http, scope.ServiceProvider, query: null);
            Assert.Equal(200, sent.Status);

            var queued = await SendOverHttpAsync(http, scope.ServiceProvider, query: "?mode=queue");
            Assert.Equal(202, queued.Status);
            await DrainSendQueueAsync(functions.OfType<SendMessageQueueFunction>().Single(), settings["SendQueueName"]!);

            Assert.Equal(2, _sinch.SendRequests.Count(r => r.Path == "/v1/projects/azure-project/messages:send"));
        }
        finally
        {
            // Disposing flushes the exporters: the worker's logs and traces reach the ingestion stand-in, with a token.
            await ((IAsyncDisposable)host).DisposeAsync();
        }

        Assert.True(_ingestion.Items > 0, "no telemetry reached the ingestion endpoint");
        Expect.All(_ingestion.Batches, b => Assert.Equal("https://monitor.azure.com/", FakeTokenCredential.AudienceOfToken(b.BearerToken ?? "")));
    }

    private static async Task<HttpAnswer> SendOverHttpAsync(SendMessageHttpFunction function, IServiceProvider services, string? query)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.QueryString = query is null ? QueryString.Empty : new QueryString(query);
        var bytes = Encoding.UTF8.GetBytes(Message);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Response.Body = new MemoryStream();
        return await HttpInvoker.ExecuteAsync(context, await function.RunAsync(context.Request, CancellationToken.None));
    }

    /// <summary>Reads the send queue with the app's identity, as the host's trigger would, and runs the function on it.</summary>
    private async Task DrainSendQueueAsync(SendMessageQueueFunction function, string queueName)
    {
        var queue = new QueueClient(new Uri(_azurite.ServiceUri("Queue"), queueName), _credential, new QueueClientOptions
        {
            MessageEncoding = QueueMessageEncoding.Base64,
            Transport = new HttpClientTransport(_certificate.CreateTrustingHandler()),
        });
        QueueMessage[] received = (await queue.ReceiveMessagesAsync(maxMessages: 32)).Value;
        var message = Assert.Single(received);
        await function.RunAsync(message, CancellationToken.None);
    }

    private static IEnumerable<Type> FunctionClasses() =>
        typeof(SendMessageHttpFunction).Assembly.GetTypes().Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null));
}
