namespace ConversationSender.Conformance;

/// <summary>The check of one fixture: one line of the tool's output.</summary>
public sealed record ConformanceResult(string Id, bool SinchValid, bool Passed, string Detail)
{
    public override string ToString() =>
        $"{(Passed ? "PASS" : "FAIL")} {Id} ({(SinchValid ? "valid" : "invalid")}): {Detail}";
}
