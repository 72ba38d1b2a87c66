using System.Globalization;
using System.Text.Json.Nodes;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// Evaluates the compiled ARM template (what <c>bicep build</c> writes) for given parameters, enough to read what the
/// deployed app would get: parameters, variables, module parameters and outputs, and the template functions this
/// template uses. What only Azure knows at deployment time (an endpoint, a client id, a connection string) becomes an
/// <see cref="AzureValue"/>, which the caller maps to a local stand-in or refuses.
/// </summary>
internal sealed partial class ArmTemplate
{
    private readonly JsonObject _template;
    private readonly Dictionary<string, object?> _parameters;
    private readonly Func<AzureValue, object?> _resolve;
    private readonly Dictionary<string, object?> _variables = new(StringComparer.OrdinalIgnoreCase);

    public ArmTemplate(JsonObject template, IReadOnlyDictionary<string, object?> parameters, Func<AzureValue, object?> resolve)
    {
        _template = template;
        _resolve = resolve;
        _parameters = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, definition) in template["parameters"]?.AsObject() ?? [])
        {
            _parameters[name] = parameters.TryGetValue(name, out var given) ? given
                : definition!["defaultValue"] is { } fallback ? Evaluate(fallback)
                : null;
        }
    }

    /// <summary>A value Azure fills in: the resource's type, its name as far as the template knows it, and the property read.</summary>
    public sealed record AzureValue(string ResourceType, string Property);

    public object? Parameter(string name) => _parameters.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"No parameter '{name}'.");

    public object? Variable(string name)
    {
        if (!_variables.TryGetValue(name, out var value))
        {
            value = Evaluate(_template["variables"]?[name] ?? throw new KeyNotFoundException($"No variable '{name}'."));
            _variables[name] = value;
        }

        return value;
    }

    public IEnumerable<JsonObject> Resources() => (_template["resources"] as JsonArray ?? []).Select(r => r!.AsObject())
        .Concat(_template["resources"] is JsonObject symbolic ? symbolic.Select(r => r.Value!.AsObject()) : []);

    public JsonObject Resource(string type) => Resources().Single(r => r["type"]!.GetValue<string>() == type);

    /// <summary>The nested deployment (a Bicep module) of that name, with its parameters evaluated here.</summary>
    public ArmTemplate Module(string deploymentName)
    {
        var deployment = Resources().Single(r => r["type"]!.GetValue<string>() == "Microsoft.Resources/deployments" && Str(Evaluate(r["name"])) == deploymentName);
        var parameters = (deployment["properties"]!["parameters"]?.AsObject() ?? [])
            .ToDictionary(p => p.Key, p => ModuleParameter(p.Value!), StringComparer.OrdinalIgnoreCase);
        return new ArmTemplate(deployment["properties"]!["template"]!.AsObject(), parameters, _resolve);
    }

    // { "value": … } as usual; a whole-parameter expression (Bicep's "cond ? a : b") yields such an object when evaluated.
    private object? ModuleParameter(JsonNode parameter) =>
        parameter is JsonObject wrapped ? Evaluate(wrapped["value"])
        : Materialize(Evaluate(parameter)) is Dictionary<string, object?> computed ? Materialize(computed["value"])
        : throw new NotSupportedException($"Module parameter {parameter} is neither {{ value }} nor an expression giving one.");

    public object? Output(string name) => Evaluate(_template["outputs"]![name]!["value"]);

    /// <summary>A JSON value of the template with every expression in it evaluated.</summary>
    public object? Evaluate(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => Evaluate(p.Value)),
        JsonArray a => a.Select(Evaluate).ToList(),
        JsonValue v when v.TryGetValue<string>(out var s) => s.StartsWith("[[", StringComparison.Ordinal) ? s[1..]
            : s.StartsWith('[') && s.EndsWith(']') ? Materialize(new Parser(s[1..^1], this).ParseAll()) : s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v => v.GetValue<long>(),
        _ => throw new InvalidOperationException(),
    };

    private object? Materialize(object? value) => value switch
    {
        Reference r => _resolve(new AzureValue(r.Type, string.Join('.', r.Path))),
        _ => value,
    };

    private static string Str(object? value) => value switch
    {
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "True" : "False",
        ResourceId id => $"/{id.Type}/{string.Join('/', id.Names)}",
        null => "",
        _ => throw new InvalidOperationException($"Cannot turn {value.GetType().Name} into a string."),
    };

    private sealed record ResourceId(string Type, IReadOnlyList<string> Names);

    private sealed record Reference(string Type, string Name, IReadOnlyList<string> Path);

    private sealed record ModuleOutput(object? Value);

    private object? Access(object? value, string member) => value switch
    {
        Reference { Type: "Microsoft.Resources/deployments", Path: [] } r when member == "outputs" => r with { Path = ["outputs"] },
        Reference { Type: "Microsoft.Resources/deployments", Path: ["outputs"] } r => new ModuleOutput(Module(r.Name).Output(member)),
        ModuleOutput output when member == "value" => output.Value,
        Reference r => r with { Path = [.. r.Path, member] },
        Dictionary<string, object?> d => d.TryGetValue(member, out var v) ? v : throw new KeyNotFoundException($"No property '{member}'."),
        _ => throw new InvalidOperationException($"Cannot read '{member}' of {value?.GetType().Name ?? "null"}."),
    };
}
