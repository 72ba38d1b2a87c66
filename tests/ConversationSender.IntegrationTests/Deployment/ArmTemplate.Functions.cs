using System.Globalization;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>The ARM template functions this template uses, evaluated as far as a test can without Azure.</summary>
internal sealed partial class ArmTemplate
{
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
}
