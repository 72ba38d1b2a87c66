using ConversationSender.Functions.Http;
using ConversationSender.Sending;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ConversationSender.Functions;

/// <summary><c>POST /api/messages</c>: sends one message now and answers with Sinch's message id or a problem.</summary>
public sealed class SendMessageHttpFunction(SendService sendService)
{
    /// <summary>Far above any real message (a queue message holds at most 48 KiB of JSON); stops memory abuse.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    [Function("SendMessage")]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "messages")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
        {
            return SendOutcomeHttpResult.Problem(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType,
                "The body must be JSON.", "Send the message with Content-Type: application/json.");
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return SendOutcomeHttpResult.Problem(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge,
                "The body is too large.", $"A message may be at most {MaxBodyBytes} bytes.");
        }

        return SendOutcomeHttpResult.From(await sendService.SendAsync(body, cancellationToken));
    }

    // No Content-Type is accepted too: curl users forget it, and the body is checked as JSON anyway.
    private static bool IsJson(string? contentType) =>
        string.IsNullOrEmpty(contentType)
        || (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
            && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)));

    private static async Task<BinaryData?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return BinaryData.FromBytes(buffer.ToArray());
    }
}
