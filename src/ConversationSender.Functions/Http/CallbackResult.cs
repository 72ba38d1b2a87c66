using ConversationSender.Callbacks;

namespace ConversationSender.Functions.Http;

/// <summary>What taking one of Sinch's callbacks found, as the HTTP answer Sinch gets.</summary>
public static class CallbackResult
{
    public static IActionResult From(CallbackOutcome outcome) => outcome switch
    {
        CallbackOutcome.Accepted => new StatusCodeResult(StatusCodes.Status200OK),
        // The caller is anonymous: which check failed, or why we cannot verify now, is for our log, not for them.
        CallbackOutcome.Unauthorized => JsonApiResult.Problem(StatusCodes.Status401Unauthorized, ProblemTypes.BadSignature, "The callback is not signed as expected.", null),
        CallbackOutcome.Invalid i => JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, "The callback is invalid.", i.Reason),
        CallbackOutcome.Unavailable => JsonApiResult.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.Unavailable, "Callbacks cannot be taken now; send it again later.", null),
        _ => throw new System.Diagnostics.UnreachableException(),
    };
}
