
namespace ConversationSender.Functions.Http;

/// <summary>A fixed JSON document, written as is (no MVC executors needed).</summary>
public sealed class StaticJsonResult(ReadOnlyMemory<byte> body) : IActionResult
{
    public ReadOnlyMemory<byte> Body { get; } = body;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, context.HttpContext.RequestAborted);
    }
}
