namespace ConversationSender.Functions.Http;

/// <summary>An RFC 7807 problem, with the field errors and upstream details this API adds.</summary>
public sealed record ProblemDocument
{
    public required string Type { get; init; }

    public required string Title { get; init; }

    public required int Status { get; init; }

    public string? Detail { get; init; }

    /// <summary>Field path → what is wrong with it.</summary>
    public IDictionary<string, string[]>? Errors { get; init; }

    /// <summary>Sinch's HTTP status, when Sinch's answer caused this problem.</summary>
    public int? UpstreamStatus { get; init; }

    public string? SinchStatus { get; init; }

    /// <summary>The setting an operator must fix (misconfiguration); never its value.</summary>
    public string? Setting { get; init; }

    /// <summary>The request's trace (W3C trace id, else the host's request id): filled in for every problem answered.</summary>
    public string? TraceId { get; init; }
}
