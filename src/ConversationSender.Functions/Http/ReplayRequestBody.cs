namespace ConversationSender.Functions.Http;

/// <summary>The body of <c>POST /api/dead-letters/replay</c>; every field optional.</summary>
public sealed class ReplayRequestBody
{
    /// <summary><c>failed</c> (default: our dead-letter queue) or <c>poison</c> (the host's).</summary>
    public string? Source { get; set; }

    public IList<string>? MessageIds { get; set; }

    public int? Max { get; set; }
}
