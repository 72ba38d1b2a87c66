using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace ConversationSender.IntegrationTests.Infrastructure;

/// <summary>Runs an HTTP function's result against a real <see cref="DefaultHttpContext"/>, as the worker would.</summary>
internal static class HttpInvoker
{
    public static DefaultHttpContext Request(SenderHost host, string body, string? query = null, IDictionary<string, string>? headers = null, string? contentType = "application/json", bool withContentLength = true)
    {
        var context = new DefaultHttpContext { RequestServices = host.Services };
        context.Request.Method = "POST";
        context.Request.ContentType = contentType;
        context.Request.QueryString = query is null ? QueryString.Empty : new QueryString(query);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            context.Request.Headers[name] = value;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = withContentLength ? bytes.Length : null;
        context.Response.Body = new MemoryStream();
        return context;
    }

    public static async Task<HttpAnswer> ExecuteAsync(DefaultHttpContext context, IActionResult result)
    {
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return new HttpAnswer(context.Response.StatusCode, context.Response.ContentType, context.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()), text);
    }
}

internal sealed record HttpAnswer(int Status, string? ContentType, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
