using BenchmarkDotNet.Attributes;
using ConversationSender.Testing;
using ConversationSender.Validation;

namespace ConversationSender.Benchmarks;

/// <summary>
/// Validation of a 64 KiB hostile value in every string field of the contract (the suite's pathological cases), per
/// kind of value: one operation validates one case per field (83 messages of about 64 KiB).
/// The slowest single case per field is listed by <see cref="HostileInputTriage"/>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class HostileInputBenchmarks
{
    private BinaryData[] _bodies = [];

    [ParamsSource(nameof(Kinds))]
    public string Kind { get; set; } = "";

    public static IEnumerable<string> Kinds => HostileInputCases.Kinds;

    /// <summary>The cases of the suite: README messages plus one with every top-level option, 64 KiB values.</summary>
    public static IReadOnlyList<HostileInputCase> Cases() => HostileInputCases.For(ReadmeExamples.Messages.Prepend(HostileInputCases.EveryOption), 64 * 1024);

    [GlobalSetup]
    public void Setup() => _bodies = [.. Cases().Where(c => c.Kind == Kind).Select(c => BinaryData.FromString(c.Json))];

    [Benchmark]
    public int ValidateEveryField()
    {
        var errors = 0;
        foreach (var body in _bodies)
        {
            errors += OutboundMessageValidator.Validate(body, out _).Errors.Count;
        }

        return errors;
    }
}
