using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using ConversationSender.RateLimiting;
using ConversationSender.Sinch;
using ConversationSender.Testing;
using ConversationSender.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.LoadHarness;

/// <summary>
/// Where the product's cost lies: the same post through each layer in turn (bare HttpClient, the product's HttpClient,
/// ConversationClient, SendService), alternated, median runs.
/// </summary>
internal static class Decomposition
{
    public static async Task<string> RunAsync(SendRig rig, SendPaths paths, int messages, int rounds, int[] concurrencies, bool outOfProcess)
    {
        var productHttp = rig.Provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ConversationClient));
        var conversation = rig.Provider.GetRequiredService<ConversationClient>();
        var request = OutboundMessageValidator.Validate(rig.Body, out _).Request!;
        async Task<bool> ProductHttpSend(int _)
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, SendPaths.SendPath) { Content = new ByteArrayContent(paths.Wire) };
            post.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await productHttp.SendAsync(post);
            await response.Content.ReadAsByteArrayAsync();
            return response.IsSuccessStatusCode;
        }

        async Task<bool> ClientSend(int _) => (await conversation.SendAsync(request, SendPriority.Caller, CancellationToken.None)).MessageId is not null;
        var layers = new (string Name, Func<int, Task<bool>> Send)[]
        {
            ("bare HttpClient", paths.BaselineSend), ("product HttpClient (auth handler)", ProductHttpSend),
            ("ConversationClient (+ pipeline, serialize, parse)", ClientSend), ("SendService (+ validate, map, metrics)", paths.ProductSend),
        };
        foreach (var (_, send) in layers)
        {
            await LoadRunner.RunAsync("warm-up", 500, 8, send);
        }

        var decomposition = new StringBuilder();
        decomposition.AppendLine(GeneratedDocSection.MachineLine());
        decomposition.AppendLine();
        decomposition.AppendLine(CultureInfo.InvariantCulture, $"{messages} messages per run, the four layers alternated {rounds} times per C (median runs shown); sandbox on loopback {(outOfProcess ? "in its own process" : "in the same process")}.");
        decomposition.AppendLine();
        decomposition.AppendLine("| C | layer | msg/s | ratio to bare | µs per message per worker | bytes/msg | harness process CPU µs/msg |");
        decomposition.AppendLine("|---:|---|---:|---:|---:|---:|---:|");
        foreach (var concurrency in concurrencies)
        {
            var results = layers.Select(_ => new List<RunResult>()).ToArray();
            for (var round = 0; round < rounds; round++)
            {
                // Forwards, then backwards: no layer always runs right after the same other one.
                for (var step = 0; step < layers.Length; step++)
                {
                    var layer = round % 2 == 0 ? step : layers.Length - 1 - step;
                    results[layer].Add(await LoadRunner.RunAsync(layers[layer].Name, messages, concurrency, layers[layer].Send));
                }
            }

            var medians = results.Select(r => r.OrderBy(x => x.PerSecond).ElementAt(rounds / 2)).ToArray();
            Console.WriteLine($"C={concurrency}");
            for (var layer = 0; layer < layers.Length; layer++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {layers[layer].Name,-50} {medians[layer].PerSecond,8:F0} msg/s  ratio {medians[layer].PerSecond / medians[0].PerSecond:F2}  {1e6 / medians[layer].PerSecond * concurrency,7:F1} µs/msg per worker  {medians[layer].BytesPerMessage,6:F0} B/msg  {medians[layer].CpuMicrosecondsPerMessage,6:F1} µs CPU/msg"));
                decomposition.AppendLine(CultureInfo.InvariantCulture, $"| {concurrency} | {layers[layer].Name} | {medians[layer].PerSecond:F0} | {medians[layer].PerSecond / medians[0].PerSecond:F2} | {1e6 / medians[layer].PerSecond * concurrency:F1} | {medians[layer].BytesPerMessage:F0} | {medians[layer].CpuMicrosecondsPerMessage:F1} |");
            }
        }

        return decomposition.ToString();
    }
}
