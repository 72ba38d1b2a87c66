using ConversationSender.Validation;

namespace ConversationSender.Functions.Http;

/// <summary>Reads a JSON request body up to a size limit, or says (as a problem) why it will not.</summary>
public static class JsonRequestBody
{
    /// <summary>The body, and the <c>Idempotency-Key</c> header if one was given; a problem names the first thing wrong.</summary>
    public static async Task<(BinaryData? Body, string? Key, JsonApiResult? Problem)> ReadWithIdempotencyKeyAsync(
        HttpRequest request, int maxBytes, string invalidProblemType, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadAsync(request, maxBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, null, problem);
        }

        var (key, keyProblem) = IdempotencyKeyHeader.Read(request, invalidProblemType);
        return (body, key, keyProblem);
    }

    public static async Task<(BinaryData? Body, JsonApiResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType, out var charset))
        {
            return (null, JsonApiResult.Problem(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType,
                "The body must be JSON.", "Send the message with Content-Type: application/json."));
        }

        if (charset is not null)
        {
            return (null, JsonApiResult.Problem(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType,
                "The body must be UTF-8.", "JSON is UTF-8 (RFC 8259): send it as UTF-8, with Content-Type: application/json or application/json; charset=utf-8."));
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

        return (Utf8ByteOrderMark.Strip(BinaryData.FromBytes(buffer.ToArray())), null);
    }

    // No Content-Type is accepted too: curl users forget it, and the body is checked as JSON anyway. application/json
    // and any application/*+json; a charset other than UTF-8 (any spelling) is returned to be refused.
    private static bool IsJson(string? contentType, out string? unsupportedCharset)
    {
        unsupportedCharset = null;
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !(media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var charset = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(media.Charset).ToString();
        if (charset.Length > 0 && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            unsupportedCharset = charset;
        }

        return true;
    }
}
