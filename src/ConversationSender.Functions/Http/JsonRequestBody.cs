using Microsoft.AspNetCore.Http;

namespace ConversationSender.Functions.Http;

/// <summary>Reads a JSON request body up to a size limit, or says (as a problem) why it will not.</summary>
public static class JsonRequestBody
{
    public static async Task<(BinaryData? Body, JsonApiResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
        {
            return (null, JsonApiResult.Problem(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType,
                "The body must be JSON.", "Send the message with Content-Type: application/json."));
        }

        var tooLarge = JsonApiResult.Problem(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge,
            "The body is too large.", $"The body may be at most {maxBytes} bytes.");
        if (request.ContentLength > maxBytes)
        {
            return (null, tooLarge);
        }

        // Counted while reading: a chunked body has no Content-Length to trust.
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, tooLarge);
            }

            buffer.Write(chunk, 0, read);
        }

        return (BinaryData.FromBytes(buffer.ToArray()), null);
    }

    // No Content-Type is accepted too: curl users forget it, and the body is checked as JSON anyway.
    private static bool IsJson(string? contentType) =>
        string.IsNullOrEmpty(contentType)
        || (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
            && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)));
}
