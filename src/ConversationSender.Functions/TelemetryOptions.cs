using System.ComponentModel.DataAnnotations;

namespace ConversationSender.Functions;

/// <summary>Bound from the <c>Telemetry</c> configuration section; read only when telemetry is exported.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// Share of traces exported to Application Insights. 1.0 by default, so that every message has its trace: left to
    /// itself the Azure Monitor exporter (1.6 and later) keeps 5 traces a second, whatever the load.
    /// </summary>
    [Range(0.0, 1.0)]
    public double TraceSamplingRatio { get; set; } = 1.0;
}
