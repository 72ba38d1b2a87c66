using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ConversationSender.Testing;

/// <summary>
/// Application Insights' ingestion endpoint on 127.0.0.1 over HTTPS: accepts every batch (<c>/v2.1/track</c>, gzip or
/// not) and counts its items, with the bearer token it came with; live-metrics calls get a polite "not subscribed".
/// Its connection string is what a test gives the app in place of the real one, so nothing leaves the machine.
/// </summary>
public sealed class FakeTelemetryIngestion : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private int _items;

    public string ConnectionString { get; private set; } = null!;

    /// <summary>Each accepted batch: its path, the Authorization header's bearer token (or null) and its item count.</summary>
    public ConcurrentQueue<(string Path, string? BearerToken, int Items)> Batches { get; } = new();

    public int Items => _items;

    public static async Task<FakeTelemetryIngestion> StartAsync(LoopbackCertificate certificate)
    {
        var ingestion = new FakeTelemetryIngestion();
        ingestion._server = await LoopbackServer.StartAsync(app => app.Run(ingestion.HandleAsync), certificate);
        var endpoint = ingestion._server.BaseUrl.ToString();
        ingestion.ConnectionString = $"InstrumentationKey=00000000-0000-0000-0000-0000000000a1;IngestionEndpoint={endpoint};LiveEndpoint={endpoint}";
        return ingestion;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (!path.EndsWith("/track", StringComparison.Ordinal))
        {
            context.Response.Headers["x-ms-qps-subscribed"] = "false";
            context.Response.StatusCode = 200;
            return;
        }

        Stream body = context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
            : context.Request.Body;
        var text = await new StreamReader(body).ReadToEndAsync();
        var items = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
        var authorization = context.Request.Headers.Authorization.ToString();
        Batches.Enqueue((path, authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null, items));
        Interlocked.Add(ref _items, items);
        await context.Response.WriteAsJsonAsync(new { itemsReceived = items, itemsAccepted = items, errors = Array.Empty<object>() });
    }
}
