using ConversationSender;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddConversationSender(builder.Configuration);

// Per-request chatter of the SDKs and HTTP clients; the send service logs each send's outcome once.
builder.Logging.AddFilter("Azure.Core", LogLevel.Warning);
builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
builder.Logging.AddFilter("Polly", LogLevel.Warning);

// Only where a connection string is configured: tests and laptops send no telemetry anywhere.
if (!string.IsNullOrWhiteSpace(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();

    // The Application Insights SDK ships only warnings from the worker unless this default rule is removed.
    builder.Logging.Services.Configure<LoggerFilterOptions>(options =>
    {
        var aiDefault = options.Rules.FirstOrDefault(rule =>
            rule.ProviderName == "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider");
        if (aiDefault is not null)
        {
            options.Rules.Remove(aiDefault);
        }
    });
}

builder.Build().Run();
