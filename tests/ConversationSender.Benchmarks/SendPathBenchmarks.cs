using System.Text.Json;
using BenchmarkDotNet.Attributes;
using ConversationSender.Sandbox;
using ConversationSender.Sending;
using ConversationSender.Sinch;
using ConversationSender.Testing;
using ConversationSender.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.Benchmarks;

/// <summary>
/// Per text send: CPU time and allocated bytes of validate + map + serialize (the product's own work), and of a full
/// send through the send service to the sandbox on loopback (which also counts the sandbox's own allocations).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class SendPathBenchmarks
{
    private static readonly BinaryData ShortForm = BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""");

    private static readonly BinaryData FullForm = BinaryData.FromString("""
        { "recipient": { "identified_by": { "channel_identities": [ { "channel": "WHATSAPP", "identity": "46701234567" }, { "channel": "SMS", "identity": "46701234567" } ] } },
          "message": { "text_message": { "text": "Your order 1234 has shipped." } },
          "channel_priority_order": ["WHATSAPP", "SMS"], "channel_properties": { "SMS_SENDER": "MyShop" },
          "message_metadata": "order-1234", "correlation_id": "c-98f1", "ttl": 600 }
        """);

    private SinchSandbox _sandbox = null!;
    private ServiceProvider _services = null!;
    private SendService _sendService = null!;

    [GlobalSetup]
    public async Task SetUpAsync()
    {
        _sandbox = await SinchSandbox.StartAsync();
        _sandbox.Options.ProjectId = "bench-project";
        _sandbox.Options.AppId = "01BENCHAPP0000000000000001";
        var settings = SenderSettings.PointingAt(_sandbox.BaseUrl, "bench-project", "01BENCHAPP0000000000000001", _sandbox.Options.KeyId, _sandbox.KeySecret);
        settings["Sinch:MaxSendsPerSecond"] = "0";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddConversationSender(configuration).BuildServiceProvider();
        _sendService = _services.GetRequiredService<SendService>();
        // A benchmark of refusals would measure nothing: the setup must be one Sinch accepts.
        if (await _sendService.SendAsync(ShortForm, CancellationToken.None) is not SendOutcome.Accepted)
        {
            throw new InvalidOperationException("The sandbox did not accept the benchmark's send; the numbers would be of a refusal.");
        }
    }

    [GlobalCleanup]
    public async Task CleanUpAsync()
    {
        await _services.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Benchmark(Description = "validate+map+serialize, short form")]
    public byte[] ShortFormToWire() => ToWire(ShortForm);

    [Benchmark(Description = "validate+map+serialize, full form")]
    public byte[] FullFormToWire() => ToWire(FullForm);

    [Benchmark(Description = "full send to loopback sandbox")]
    public Task<SendOutcome> FullSend() => _sendService.SendAsync(ShortForm, CancellationToken.None);

    private static byte[] ToWire(BinaryData body)
    {
        var request = OutboundMessageValidator.Validate(body, out _).Request! with { AppId = "01BENCHAPP0000000000000001" };
        return JsonSerializer.SerializeToUtf8Bytes(request, SinchJsonContext.Default.SendMessageRequest);
    }
}
