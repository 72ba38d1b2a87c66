using System.Reflection;
using System.Text.RegularExpressions;
using ConversationSender.Functions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.IntegrationTests.Infrastructure;

/// <summary>
/// What <c>func start</c> does for the HTTP functions, on a loopback port: a request is routed by the functions' own
/// <c>[HttpTrigger]</c> routes and methods (under <c>/api/</c>) to the function class, built from the app's container,
/// and the function's result is executed on the response. Authorization levels are not checked, as locally.
/// </summary>
internal sealed class HttpFunctionsServer : IAsyncDisposable
{
    private readonly IReadOnlyList<FunctionRoute> _routes = Routes();
    private LoopbackServer _server = null!;

    private HttpFunctionsServer()
    {
    }

    public Uri BaseUrl => _server.BaseUrl;

    /// <summary>The app's host is given later (its settings need this server's address); requests before it fail.</summary>
    public SenderHost? Host { get; set; }

    public static async Task<HttpFunctionsServer> StartAsync()
    {
        var functions = new HttpFunctionsServer();
        functions._server = await LoopbackServer.StartAsync(app => app.Run(functions.DispatchAsync));
        return functions;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task DispatchAsync(HttpContext context)
    {
        var host = Host ?? throw new InvalidOperationException("The app's host is not set.");
        var path = context.Request.Path.Value ?? "";
        var route = _routes.FirstOrDefault(r => r.Methods.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase) && r.Pattern.IsMatch(path));
        if (route is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        var values = route.Pattern.Match(path).Groups;
        var arguments = route.Method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => context.Request,
            var t when t == typeof(CancellationToken) => context.RequestAborted,
            var t when t == typeof(string) => (object)Uri.UnescapeDataString(values[p.Name!].Value),
            var t => throw new NotSupportedException($"{route.Method.DeclaringType!.Name} takes a {t.Name}, which this stand-in does not bind."),
        }).ToArray();

        var function = ActivatorUtilities.CreateInstance(host.Services, route.Method.DeclaringType!);
        var result = route.Method.Invoke(function, arguments) switch
        {
            Task<IActionResult> task => await task,
            IActionResult done => done,
            var other => throw new NotSupportedException($"{route.Method.Name} returned {other?.GetType().Name}."),
        };
        context.RequestServices = host.Services;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
    }

    // Literal routes before ones with parameters, as the host's router ranks them (messages/batch before messages/{id}).
    private static List<FunctionRoute> Routes() =>
        [.. typeof(SendMessageHttpFunction).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .Select(m => (Method: m, Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>().SingleOrDefault()))
            .Where(f => f.Trigger?.Route is not null)
            .Select(f => new FunctionRoute(
                f.Method,
                f.Trigger!.Methods ?? [],
                new Regex("^/api/" + Regex.Replace(Regex.Escape(f.Trigger.Route!), @"\\\{([^}]+)}", "(?<$1>[^/?]+)") + "$", RegexOptions.None, TimeSpan.FromSeconds(1))))
            .OrderBy(r => r.Pattern.ToString().Count(c => c == '<'))];

    private sealed record FunctionRoute(MethodInfo Method, string[] Methods, Regex Pattern);
}
