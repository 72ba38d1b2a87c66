using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ConversationSender.Telemetry;
using ConversationSender.Tracking;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ConversationSender.Functions;

/// <summary>
/// The worker's whole composition, used by <c>Program.cs</c> and by the start-up tests, so that a test builds the
/// host users run (same builder, same packages, same telemetry switch), not a parallel one.
/// </summary>
public static class SenderApplication
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Set by the platform (and infra/) to <c>Authorization=AAD</c> when Application Insights refuses keys.</summary>
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// ASP.NET Core integration, the sender's services, quiet SDK logs and, only where a connection string is set,
    /// OpenTelemetry exported to Azure Monitor. Register a <see cref="TokenCredential"/> first to replace the app's identity.
    /// </summary>
    public static FunctionsApplicationBuilder ConfigureSender(this FunctionsApplicationBuilder builder)
    {
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddSenderServices(builder.Configuration);

        // Per-request chatter of the SDKs and HTTP clients; the send service logs each send's outcome once.
        builder.Logging.AddFilter("Azure.Core", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);

        // Tests and laptops have no connection string: nothing is exported anywhere.
        if (!string.IsNullOrWhiteSpace(builder.Configuration[ConnectionStringSetting]))
        {
            AddAzureMonitorTelemetry(builder.Services);
        }

        return builder;
    }

    // OpenTelemetry, as the Functions quickstart for .NET isolated does, rather than the Application Insights SDK: no
    // 2.x/3.x package pairing to get wrong, and no default log filter to undo.
    private static void AddAzureMonitorTelemetry(IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithMetrics(metrics => metrics.AddMeter(SenderMetrics.MeterName))
            .WithTracing(tracing => tracing.AddSource(SenderTracing.SourceName))
            .UseAzureMonitorExporter();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AzureMonitorExporterOptions>().Configure<IConfiguration, IServiceProvider>((options, configuration, sp) =>
        {
            options.ConnectionString = configuration[ConnectionStringSetting];

            // A fixed share of traces, not the exporter's default of 5 a second: under load that drops most messages' traces.
            options.SamplingRatio = (float)sp.GetRequiredService<IOptions<TelemetryOptions>>().Value.TraceSamplingRatio;
            options.TracesPerSecond = null;

            // infra/ turns key ingestion off: telemetry is accepted only with a token of the app's own identity.
            if (UsesEntraAuthentication(configuration[AuthenticationStringSetting]))
            {
                options.Credential = sp.GetRequiredService<TokenCredential>();
            }
        });
    }

    /// <summary>Core's services plus what only this app knows (the callback receiver's route); the tests' hosts use it too.</summary>
    public static IServiceCollection AddSenderServices(this IServiceCollection services, IConfiguration configuration) =>
        services.AddConversationSender(configuration)
            .Configure<StatusTrackingOptions>(options => options.UseCallbackPath("/api/" + SinchEventsFunction.Route));

    internal static bool UsesEntraAuthentication(string? authenticationString) =>
        authenticationString?.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(part => string.Equals(part, "Authorization=AAD", StringComparison.OrdinalIgnoreCase)) == true;
}
