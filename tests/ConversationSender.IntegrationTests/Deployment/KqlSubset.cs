using System.Globalization;
using System.Text.RegularExpressions;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// Runs the small part of KQL the alert rules use over in-memory rows, so that a test can tell what a rule would count:
/// <c>Table | where … | extend a = … | summarize a = sum(x), b = sumif(x, p), c = count() | project …</c>, with
/// <c>== != &lt; &lt;= &gt; &gt;= and or not() has startswith in (…)</c>, <c>+ - * /</c>, <c>tostring todouble iff</c>
/// and <c>customDimensions["key"]</c>. Anything else throws, so a rule that leaves the subset fails its test instead of
/// passing it unchecked. <c>summarize … by</c> is not supported: the rules aggregate over the whole window.
/// </summary>
internal static partial class KqlSubset
{
    public static List<Dictionary<string, object?>> Run(string query, IReadOnlyDictionary<string, List<Dictionary<string, object?>>> tables)
    {
        var stages = SplitPipes(query);
        var rows = tables[stages[0].Trim()].Select(r => new Dictionary<string, object?>(r)).ToList();
        foreach (var stage in stages.Skip(1).Select(s => s.Trim()))
        {
            var space = stage.IndexOf(' ', StringComparison.Ordinal);
            var (op, body) = (stage[..space], stage[(space + 1)..]);
            rows = op switch
            {
                "where" => rows.Where(row => Truthy(new Parser(body).ParseAll().Evaluate(row))).ToList(),
                "extend" => rows.Select(row => Extend(row, body)).ToList(),
                "summarize" => [Summarize(rows, body)],
                "project" => rows.Select(row => SplitTopLevel(body).Select(c => c.Trim()).ToDictionary(c => c, c => row[c])).ToList(),
                _ => throw new NotSupportedException($"KQL operator '{op}' is outside the subset."),
            };
        }

        return rows;
    }

    private static Dictionary<string, object?> Extend(Dictionary<string, object?> row, string body)
    {
        var extended = new Dictionary<string, object?>(row);
        foreach (var (name, expression) in Assignments(body))
        {
            extended[name] = expression.Evaluate(extended);
        }

        return extended;
    }

    private static Dictionary<string, object?> Summarize(List<Dictionary<string, object?>> rows, string body)
    {
        if (ByClause().IsMatch(body))
        {
            throw new NotSupportedException("summarize … by is outside the subset.");
        }

        var result = new Dictionary<string, object?>();
        foreach (var (name, expression) in Assignments(body))
        {
            if (expression is not Call { Name: var function, Args: var args })
            {
                throw new NotSupportedException($"summarize {name} is not an aggregation.");
            }

            result[name] = function switch
            {
                "count" => (double)rows.Count,
                "sum" => rows.Sum(r => Number(args[0].Evaluate(r)) ?? 0),
                "sumif" => rows.Where(r => Truthy(args[1].Evaluate(r))).Sum(r => Number(args[0].Evaluate(r)) ?? 0),
                _ => throw new NotSupportedException($"Aggregation {function}() is outside the subset."),
            };
        }

        return result;
    }

    private static IEnumerable<(string Name, Expression Value)> Assignments(string body) =>
        SplitTopLevel(body).Select(part =>
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            return (part[..equals].Trim(), new Parser(part[(equals + 1)..]).ParseAll());
        });

    private static List<string> SplitPipes(string query) => Split(query, '|');

    private static List<string> SplitTopLevel(string text) => Split(text, ',');

    // Splits on a separator outside string literals and parentheses.
    private static List<string> Split(string text, char separator)
    {
        var parts = new List<string>();
        var (depth, start, quoted) = (0, 0, false);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is '(' or '[')
            {
                depth++;
            }
            else if (!quoted && c is ')' or ']')
            {
                depth--;
            }
            else if (!quoted && depth == 0 && c == separator)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private static bool Truthy(object? value) => value is true;

    private static double? Number(object? value) => value switch
    {
        null => null,
        double d => d,
        long l => l,
        int i => i,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    // has: a whole-term match, case-insensitive; terms are runs of letters and digits (KQL's string terms).
    private static bool Has(string? haystack, string? needle)
    {
        if (haystack is null || needle is null)
        {
            return false;
        }

        var terms = Terms().Matches(haystack).Select(m => m.Value.ToLowerInvariant()).ToList();
        var wanted = Terms().Matches(needle).Select(m => m.Value.ToLowerInvariant()).ToList();
        return Enumerable.Range(0, Math.Max(0, terms.Count - wanted.Count + 1)).Any(i => terms.Skip(i).Take(wanted.Count).SequenceEqual(wanted));
    }

    private static bool Compare(string op, object? left, object? right)
    {
        if (left is null || right is null)
        {
            return false;
        }

        if (Number(left) is { } l && Number(right) is { } r && left is not string && right is not string)
        {
            return op switch { "==" => l == r, "!=" => l != r, "<" => l < r, "<=" => l <= r, ">" => l > r, ">=" => l >= r, _ => throw new NotSupportedException(op) };
        }

        if (left is bool lb && right is bool rb)
        {
            return op switch { "==" => lb == rb, "!=" => lb != rb, _ => throw new NotSupportedException($"{op} on bools") };
        }

        var (ls, rs) = (Text(left), Text(right));
        return op switch
        {
            "==" => string.Equals(ls, rs, StringComparison.Ordinal),
            "!=" => !string.Equals(ls, rs, StringComparison.Ordinal),
            _ => throw new NotSupportedException($"{op} on strings is outside the subset."),
        };
    }

    [GeneratedRegex(@"\bby\b")]
    private static partial Regex ByClause();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Terms();
}
