using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ConversationSender.Functions;
using ConversationSender.Sending;
using Xunit.Abstractions;

namespace ConversationSender.IntegrationTests.Architecture;

/// <summary>
/// The rooms of the code (Core's namespaces, and the Functions app) depend on each other only as
/// <c>docs/architecture.md</c> draws it: one way, no cycles, Core never on Functions. Read from the compiled
/// assemblies (method bodies included) with ArchUnitNET, so a dependency hidden in a fully qualified name counts too.
/// </summary>
public sealed class DependencyTests(ITestOutputHelper output)
{
    /// <summary>The intended graph: each room and the rooms it may use. The root namespace is the composition root.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["Telemetry"] = [],
        ["RateLimiting"] = ["Telemetry"],
        ["Sinch"] = ["RateLimiting", "Telemetry"],
        ["Credentials"] = ["Sinch", "Telemetry"],
        ["Storage"] = ["Credentials"],
        ["Contract"] = ["Sinch"],
        ["Validation"] = ["Contract", "Sinch"],
        ["Idempotency"] = ["Storage"],
        ["Tracking"] = ["Storage", "Idempotency"],
        ["Consent"] = ["Storage", "Validation", "Sinch", "Credentials"],
        ["Sending"] = ["Validation", "Contract", "Sinch", "Credentials", "Idempotency", "Tracking", "Telemetry", "Consent"],
        ["Queueing"] = ["Sending", "Validation", "Contract", "Sinch", "Idempotency", "Storage", "RateLimiting", "Telemetry", "Consent"],
        ["Callbacks"] = ["Tracking", "Credentials", "Storage", "Telemetry", "Consent", "Sending"],
        ["Retention"] = ["Queueing", "Tracking", "Idempotency", "Storage"],
        ["(composition root)"] = ["Telemetry", "RateLimiting", "Sinch", "Credentials", "Storage", "Contract", "Validation", "Idempotency", "Tracking", "Sending", "Queueing", "Callbacks", "Retention", "Consent"],
        ["Functions"] = ["Telemetry", "Sinch", "Credentials", "Storage", "Contract", "Validation", "Idempotency", "Tracking", "Sending", "Queueing", "Callbacks", "Retention", "Consent", "(composition root)"],
    };

    private static readonly Lazy<Dictionary<string, HashSet<string>>> Actual = new(ReadActualDependencies);

    [Fact]
    public void Every_dependency_between_rooms_is_one_the_design_allows()
    {
        foreach (var (from, to) in Actual.Value.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{from} -> {string.Join(", ", to.Order(StringComparer.Ordinal))}");
        }

        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), Actual.Value.Keys.Order(StringComparer.Ordinal));
        var forbidden = Actual.Value.SelectMany(p => p.Value.Where(to => !Allowed[p.Key].Contains(to)).Select(to => $"{p.Key} -> {to}")).ToList();
        Assert.Empty(forbidden);
    }

    [Fact]
    public void The_design_itself_has_no_cycles_and_core_never_uses_functions()
    {
        var visiting = new HashSet<string>();
        var done = new HashSet<string>();
        void Visit(string room, List<string> path)
        {
            Assert.False(visiting.Contains(room), $"cycle: {string.Join(" -> ", path.Append(room))}");
            if (!done.Add(room))
            {
                return;
            }

            visiting.Add(room);
            foreach (var next in Allowed[room])
            {
                Visit(next, [.. path, room]);
            }

            visiting.Remove(room);
        }

        foreach (var room in Allowed.Keys)
        {
            Visit(room, []);
        }

        Assert.DoesNotContain(Allowed.Where(p => p.Key != "Functions"), p => p.Value.Contains("Functions"));
    }

    [Fact]
    public void The_architecture_document_draws_the_same_graph()
    {
        var document = File.ReadAllText(RepositoryRoot.File("docs", "architecture.md"));
        var drawn = Allowed.SelectMany(p => p.Value.Select(to => (From: p.Key, To: to)))
            .Where(e => e.From is not "(composition root)" and not "Functions")
            .ToList();
        Expect.All(drawn, edge => Assert.Contains($"{edge.From} --> {edge.To}", document, StringComparison.Ordinal));
    }

    private static Dictionary<string, HashSet<string>> ReadActualDependencies()
    {
        var architecture = new ArchLoader().LoadAssemblies(typeof(SendService).Assembly, typeof(SenderApplication).Assembly).Build();
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in architecture.Types)
        {
            if (RoomOf(type) is not { } from)
            {
                continue;
            }

            var targets = edges.TryGetValue(from, out var set) ? set : edges[from] = [];
            foreach (var dependency in type.Dependencies)
            {
                if (RoomOf(dependency.Target) is { } to && to != from)
                {
                    targets.Add(to);
                }
            }
        }

        return edges;
    }

    // ConversationSender.Sending.X → Sending; ConversationSender.Functions(.Http) → Functions; the root namespace is the
    // composition root; generated and compiler types belong to the room of their namespace.
    private static string? RoomOf(IType type)
    {
        var ns = type.Namespace?.FullName ?? "";
        if (!ns.StartsWith("ConversationSender", StringComparison.Ordinal) || (type.FullName ?? "").Contains("Microsoft.", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = ns.Split('.');
        return parts.Length == 1 ? "(composition root)" : parts[1];
    }
}
