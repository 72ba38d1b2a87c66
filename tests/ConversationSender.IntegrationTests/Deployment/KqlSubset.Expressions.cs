namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>The expression tree of <see cref="KqlSubset"/>: each node evaluates itself over one row.</summary>
internal static partial class KqlSubset
{
    private abstract record Expression
    {
        public abstract object? Evaluate(Dictionary<string, object?> row);
    }

    private sealed record Literal(object? Value) : Expression
    {
        public override object? Evaluate(Dictionary<string, object?> row) => Value;
    }

    private sealed record Column(string Name) : Expression
    {
        public override object? Evaluate(Dictionary<string, object?> row) =>
            row.TryGetValue(Name, out var value) ? value : throw new KeyNotFoundException($"No column '{Name}' in the row.");
    }

    private sealed record Index(Expression Target, Expression Key) : Expression
    {
        public override object? Evaluate(Dictionary<string, object?> row) =>
            Target.Evaluate(row) is IReadOnlyDictionary<string, string> bag && bag.TryGetValue(Text(Key.Evaluate(row))!, out var value) ? value : null;
    }

    private sealed record Binary(string Op, Expression Left, Expression Right) : Expression
    {
        public override object? Evaluate(Dictionary<string, object?> row)
        {
            var left = Left.Evaluate(row);
            switch (Op)
            {
                case "and": return Truthy(left) && Truthy(Right.Evaluate(row));
                case "or": return Truthy(left) || Truthy(Right.Evaluate(row));
            }

            var right = Right.Evaluate(row);
            return Op switch
            {
                "has" => Has(Text(left), Text(right)),
                "startswith" => Text(left) is { } s && Text(right) is { } p && s.StartsWith(p, StringComparison.OrdinalIgnoreCase),
                "in" => ((List<object?>)right!).Any(candidate => Compare("==", left, candidate)),
                "+" or "-" or "*" or "/" => Number(left) is { } l && Number(right) is { } r
                    ? Op switch { "+" => l + r, "-" => l - r, "*" => l * r, _ => l / r }
                    : null,
                _ => Compare(Op, left, right),
            };
        }
    }

    private sealed record ListOf(List<Expression> Items) : Expression
    {
        public override object? Evaluate(Dictionary<string, object?> row) => Items.Select(i => i.Evaluate(row)).ToList();
    }

    private sealed record Call(string Name, List<Expression> Args) : Expression
    {
        public override object? Evaluate(Dictionary<string, object?> row) => Name switch
        {
            "tostring" => Text(Args[0].Evaluate(row)) ?? "",
            "todouble" => Number(Args[0].Evaluate(row)),
            "not" => !Truthy(Args[0].Evaluate(row)),
            "iff" => Truthy(Args[0].Evaluate(row)) ? Args[1].Evaluate(row) : Args[2].Evaluate(row),
            _ => throw new NotSupportedException($"KQL function {Name}() is outside the subset (or an aggregation outside summarize)."),
        };
    }
}
