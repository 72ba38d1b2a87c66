namespace ConversationSender.Sandbox;

/// <summary>
/// The sandbox's own log lines: one per send, in words, without identities or message text (the page shows those).
/// ASP.NET's per-request lines are off unless <see cref="SandboxOptions.VerboseLogging"/> is set.
/// </summary>
internal static partial class SandboxLog
{
    [LoggerMessage(1, LogLevel.Information, "messages:send accepted as {MessageId}: {Kind} via {Channels}")]
    public static partial void Accepted(ILogger logger, string messageId, string kind, string channels);

    [LoggerMessage(2, LogLevel.Information, "messages:send answered {Outcome}")]
    public static partial void Answered(ILogger logger, string outcome);

    [LoggerMessage(3, LogLevel.Warning, "{Method} {Path} refused with {Status}: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string path, int status, string reason);

    [LoggerMessage(4, LogLevel.Warning, "{Method} {Path}: no such route of the Conversation API (404)")]
    public static partial void UnknownRoute(ILogger logger, string method, string path);

    [LoggerMessage(5, LogLevel.Error, "{Method} {Path} failed inside the sandbox (500)")]
    public static partial void Failed(ILogger logger, Exception exception, string method, string path);
}
