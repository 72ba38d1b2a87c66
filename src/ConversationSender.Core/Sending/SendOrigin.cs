namespace ConversationSender.Sending;

/// <summary>Where a send comes from: the few rules that differ between the paths follow from it, and from nothing else.</summary>
public enum SendOrigin
{
    /// <summary>A caller waiting for the answer (HTTP): sent now, ahead of a waiting backlog; a <c>send_at</c> is refused.</summary>
    Caller,

    /// <summary>A queued message, its <c>send_at</c> (if any) waited for: it waits behind callers for the rate budget.</summary>
    Queue,

    /// <summary>The confirmation of an opt-out or opt-in, or a HELP answer: sent past the suppression list it confirms.</summary>
    ConsentReply,
}
