namespace ConversationSender.Sinch;

/// <summary>
/// How a send through <see cref="SendResiliencePipeline"/> ended: Sinch's last answer (its body buffered), or what
/// ended it without one (a timeout, the open circuit, the rate limit, the network) and whether the last attempt's
/// request was with Sinch then (only then may the message have got through).
/// </summary>
public readonly record struct SendAttemptResult(HttpResponseMessage? Answer, Exception? Failure, bool MayHaveReachedSinch);
