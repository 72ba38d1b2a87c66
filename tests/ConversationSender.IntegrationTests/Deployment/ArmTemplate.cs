using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// Evaluates the compiled ARM template (what <c>bicep build</c> writes) for given parameters, enough to read what the
/// deployed app would get: parameters, variables, module parameters and outputs, and the template functions this
/// template uses. What only Azure knows at deployment time (an endpoint, a client id, a connection string) becomes an
/// <see cref="AzureValue"/>, which the caller maps to a local stand-in or refuses.
/// </summary>
internal sealed class ArmTemplate
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

    private object? Call(string function, List<object?> args)
    {
        string S(int i) => Str(Materialize(args[i]));
        long L(int i) => Materialize(args[i]) is long l ? l : long.Parse(S(i), CultureInfo.InvariantCulture);
        switch (function.ToLowerInvariant())
        {
            case "parameters": return Parameter(S(0));
            case "variables": return Variable(S(0));
            case "format":
                var format = S(0);
                var values = args.Skip(1).Select(a => (object)Str(Materialize(a))).ToArray();
                return string.Format(CultureInfo.InvariantCulture, format, values);
            case "string": return Str(Materialize(args[0]));
            case "tolower": return S(0).ToLowerInvariant();
            case "padleft": return S(0).PadLeft((int)L(1), S(2)[0]);
            case "div": return L(0) / L(1);
            case "mul": return L(0) * L(1);
            case "mod": return L(0) % L(1);
            case "add": return L(0) + L(1);
            case "sub": return L(0) - L(1);
            case "max": return args.Select((_, i) => L(i)).Max();
            case "min": return args.Select((_, i) => L(i)).Min();
            case "true": return true;
            case "false": return false;
            case "null": return null;
            case "not": return !(bool)Materialize(args[0])!;
            case "and": return args.All(a => (bool)Materialize(a)!);
            case "or": return args.Any(a => (bool)Materialize(a)!);
            case "equals": return Equals(Materialize(args[0]), Materialize(args[1]));
            case "if": return (bool)Materialize(args[0])! ? args[1] : args[2];
            case "empty": return Materialize(args[0]) switch { null => true, string s => s.Length == 0, System.Collections.ICollection c => c.Count == 0, _ => false };
            case "createobject":
                var created = new Dictionary<string, object?>();
                for (var i = 0; i + 1 < args.Count; i += 2)
                {
                    created[S(i)] = args[i + 1];
                }

                return created;
            case "createarray": return args.ToList();
            case "union":
                var union = new Dictionary<string, object?>();
                foreach (var part in args.Cast<Dictionary<string, object?>>())
                {
                    foreach (var (k, v) in part)
                    {
                        union[k] = v;
                    }
                }

                return union;
            case "uniquestring": return "uniq" + Math.Abs(string.Join('|', args.Select(a => Str(Materialize(a)))).GetHashCode(StringComparison.Ordinal) % 100000).ToString(CultureInfo.InvariantCulture);
            case "guid": return Guid.Empty.ToString();
            case "subscription": return new Dictionary<string, object?> { ["id"] = "/subscriptions/sub", ["subscriptionId"] = "sub" };
            case "tenant": return new Dictionary<string, object?> { ["tenantId"] = "tenant" };
            case "resourcegroup": return new Dictionary<string, object?> { ["id"] = "/subscriptions/sub/resourceGroups/rg", ["name"] = "rg", ["location"] = "here" };
            case "resourceid" or "subscriptionresourceid":
                var first = args.FindIndex(a => Materialize(a) is string s && s.Contains('/', StringComparison.Ordinal) && !s.StartsWith('/'));
                return new ResourceId(S(first), args.Skip(first + 1).Select(a => Str(Materialize(a))).ToList());
            case "extensionresourceid": return new ResourceId(S(1), args.Skip(2).Select(a => Str(Materialize(a))).ToList());
            case "reference":
                var target = args[0] as ResourceId ?? throw new InvalidOperationException("reference() of something other than a resourceId().");
                return new Reference(target.Type, string.Join('/', target.Names), []);
            default: throw new NotSupportedException($"ARM function {function}() is not understood by this test; teach it.");
        }
    }

    private object? Access(object? value, string member) => value switch
    {
        Reference { Type: "Microsoft.Resources/deployments", Path: [] } r when member == "outputs" => r with { Path = ["outputs"] },
        Reference { Type: "Microsoft.Resources/deployments", Path: ["outputs"] } r => new ModuleOutput(Module(r.Name).Output(member)),
        ModuleOutput output when member == "value" => output.Value,
        Reference r => r with { Path = [.. r.Path, member] },
        Dictionary<string, object?> d => d.TryGetValue(member, out var v) ? v : throw new KeyNotFoundException($"No property '{member}'."),
        _ => throw new InvalidOperationException($"Cannot read '{member}' of {value?.GetType().Name ?? "null"}."),
    };

    private sealed class Parser(string text, ArmTemplate template)
    {
        private int _at;

        public object? ParseAll()
        {
            var value = ParseExpression();
            SkipSpace();
            return _at == text.Length ? value : throw Error("trailing text");
        }

        private object? ParseExpression()
        {
            SkipSpace();
            object? value;
            if (text[_at] == '\'')
            {
                value = ParseString();
            }
            else if (char.IsDigit(text[_at]) || text[_at] == '-')
            {
                var start = _at++;
                while (_at < text.Length && char.IsDigit(text[_at]))
                {
                    _at++;
                }

                value = long.Parse(text[start.._at], CultureInfo.InvariantCulture);
            }
            else
            {
                var start = _at;
                while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] == '_'))
                {
                    _at++;
                }

                var name = text[start.._at];
                Expect('(');
                var args = new List<object?>();
                SkipSpace();
                while (text[_at] != ')')
                {
                    args.Add(ParseExpression());
                    SkipSpace();
                    if (text[_at] == ',')
                    {
                        _at++;
                    }
                }

                _at++;
                value = template.Call(name, args);
            }

            while (_at < text.Length && (text[_at] == '.' || text[_at] == '['))
            {
                if (text[_at++] == '.')
                {
                    var start = _at;
                    while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] == '_'))
                    {
                        _at++;
                    }

                    value = template.Access(value, text[start.._at]);
                }
                else
                {
                    var index = ParseExpression();
                    Expect(']');
                    value = index is long i ? ((List<object?>)value!)[(int)i] : template.Access(value, Str(template.Materialize(index)));
                }
            }

            return value;
        }

        private string ParseString()
        {
            var result = new StringBuilder();
            _at++;
            while (true)
            {
                if (text[_at] == '\'')
                {
                    if (_at + 1 < text.Length && text[_at + 1] == '\'')
                    {
                        result.Append('\'');
                        _at += 2;
                        continue;
                    }

                    _at++;
                    return result.ToString();
                }

                result.Append(text[_at++]);
            }
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (_at >= text.Length || text[_at] != c)
            {
                throw Error($"expected '{c}'");
            }

            _at++;
        }

        private void SkipSpace()
        {
            while (_at < text.Length && text[_at] == ' ')
            {
                _at++;
            }
        }

        private InvalidOperationException Error(string what) => new($"ARM expression: {what} at {_at} in [{text}]");
    }
}
