using ConversationSender.Callbacks;

namespace ConversationSender.Functions;

/// <summary>
/// <c>POST /api/sinch/events</c>: Sinch's callbacks. Anonymous at the Functions level (Sinch cannot send a function
/// key), so the HMAC signature over the raw body, the timestamp window and the nonce are the only gate.
/// </summary>
public sealed class SinchEventsFunction(CallbackProcessor processor)
{
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The route, under the host's <c>/api</c> prefix; Core learns it from here to build the callback URL.</summary>
    public const string Route = "sinch/events";

    [Function("SinchEvents")]
    public async Task<IActionResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var headers = request.Headers;
        return CallbackResult.From(await processor.ProcessAsync(
            body!.ToMemory(), headers[WebhookSignature.NonceHeader], headers[WebhookSignature.TimestampHeader], headers[WebhookSignature.SignatureHeader], cancellationToken));
    }
}
