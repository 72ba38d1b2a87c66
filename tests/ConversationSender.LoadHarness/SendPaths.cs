using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ConversationSender.Sandbox;
using ConversationSender.Sending;
using ConversationSender.Sinch;
using ConversationSender.Validation;

namespace ConversationSender.LoadHarness;

/// <summary>
/// The two paths the comparison alternates: the limit (the same request, pre-serialised, from a bare HttpClient with a
/// token fetched once) and the product's send service; and a stand-in of known cost for calibration.
/// </summary>
internal sealed class SendPaths : IDisposable
{
    public static readonly Uri SendPath = new("v1/projects/load-project/messages:send", UriKind.Relative);

    private readonly HttpClient _bare;
    private readonly string _token;
    private readonly SendService _sendService;
    private readonly BinaryData _body;

    private SendPaths(HttpClient bare, string token, byte[] wire, SendService sendService, BinaryData body)
    {
        _bare = bare;
        _token = token;
        Wire = wire;
        _sendService = sendService;
        _body = body;
    }

    /// <summary>The send request as the bare client posts it.</summary>
    public byte[] Wire { get; }

    public static async Task<SendPaths> CreateAsync(SendRig rig)
    {
        var wire = JsonSerializer.SerializeToUtf8Bytes(new SendMessageRequest
        {
            AppId = "01LOADAPP00000000000000001",
            Recipient = OutboundMessageValidator.Validate(rig.Body, out _).Request!.Recipient,
            Message = AppMessage.FromText("Your code is 123456"),
        }, SinchJsonContext.Default.SendMessageRequest);
        var bare = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { BaseAddress = rig.SandboxUrl };
        var token = await FetchTokenAsync(bare, SendRig.SandboxOptions);
        return new SendPaths(bare, token, wire, rig.SendService, rig.Body);
    }

    public async Task<bool> BaselineSend(int _)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, SendPath) { Content = new ByteArrayContent(Wire) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        using var response = await _bare.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync(); // a real caller reads the message id
        return response.IsSuccessStatusCode;
    }

    public async Task<bool> ProductSend(int _) => await _sendService.SendAsync(_body, CancellationToken.None) is SendOutcome.Accepted;

    /// <summary>
    /// A stand-in of known cost: at C = 1 a microsecond of work costs more than a microsecond here, as both processes'
    /// idle threads spin meanwhile on the same two cores.
    /// </summary>
    public Func<int, Task<bool>> BusyThenBaselineSend(double microseconds)
    {
        var busyTicks = (long)(microseconds * Stopwatch.Frequency / 1e6);
        return async i =>
        {
            for (var busySince = Stopwatch.GetTimestamp(); Stopwatch.GetTimestamp() - busySince < busyTicks;)
            {
            }

            return await BaselineSend(i);
        };
    }

    public void Dispose() => _bare.Dispose();

    private static async Task<string> FetchTokenAsync(HttpClient http, SandboxOptions sandbox)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token") { Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sandbox.KeyId}:{sandbox.KeySecret}")));
        using var response = await http.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }
}
