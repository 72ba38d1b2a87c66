using System.Globalization;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>Parses one <see cref="KqlSubset"/> expression: or, and, comparisons, + - * /, calls, columns, literals, [index].</summary>
internal static partial class KqlSubset
{
    private sealed class Parser(string text)
    {
        private static readonly string[] Comparisons = ["==", "!=", "<=", ">=", "<", ">"];
        private static readonly string[] Words = ["has", "startswith", "in"];
        private int _at;

        public Expression ParseAll()
        {
            var expression = ParseOr();
            Skip();
            return _at == text.Length ? expression : throw Error("trailing text");
        }

        private Expression ParseOr()
        {
            var left = ParseAnd();
            while (TakeWord("or"))
            {
                left = new Binary("or", left, ParseAnd());
            }

            return left;
        }

        private Expression ParseAnd()
        {
            var left = ParseComparison();
            while (TakeWord("and"))
            {
                left = new Binary("and", left, ParseComparison());
            }

            return left;
        }

        private Expression ParseComparison()
        {
            var left = ParseAdditive();
            Skip();
            if (Comparisons.FirstOrDefault(c => text.AsSpan(_at).StartsWith(c, StringComparison.Ordinal)) is { } op)
            {
                _at += op.Length;
                return new Binary(op, left, ParseAdditive());
            }

            if (Words.FirstOrDefault(TakeWord) is { } word)
            {
                return new Binary(word, left, word == "in" ? ParseList() : ParseAdditive());
            }

            return left;
        }

        private Expression ParseAdditive()
        {
            var left = ParseMultiplicative();
            while (Skip() && _at < text.Length && text[_at] is '+' or '-')
            {
                var op = text[_at++].ToString();
                left = new Binary(op, left, ParseMultiplicative());
            }

            return left;
        }

        private Expression ParseMultiplicative()
        {
            var left = ParsePrimary();
            while (Skip() && _at < text.Length && text[_at] is '*' or '/')
            {
                var op = text[_at++].ToString();
                left = new Binary(op, left, ParsePrimary());
            }

            return left;
        }

        private Expression ParsePrimary()
        {
            Skip();
            Expression value;
            if (text[_at] == '"')
            {
                var end = text.IndexOf('"', _at + 1);
                value = new Literal(text[(_at + 1)..end]);
                _at = end + 1;
            }
            else if (char.IsDigit(text[_at]))
            {
                var start = _at;
                while (_at < text.Length && (char.IsDigit(text[_at]) || text[_at] == '.'))
                {
                    _at++;
                }

                value = new Literal(double.Parse(text[start.._at], CultureInfo.InvariantCulture));
            }
            else if (text[_at] == '(')
            {
                _at++;
                value = ParseOr();
                Expect(')');
            }
            else
            {
                var start = _at;
                while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] == '_'))
                {
                    _at++;
                }

                var name = text[start.._at];
                if (name.Length == 0)
                {
                    throw Error("expected a value");
                }

                value = name switch
                {
                    "true" => new Literal(true),
                    "false" => new Literal(false),
                    _ when Skip() && _at < text.Length && text[_at] == '(' => new Call(name, ParseArguments()),
                    _ => new Column(name),
                };
            }

            while (Skip() && _at < text.Length && text[_at] == '[')
            {
                _at++;
                var key = ParseOr();
                Expect(']');
                value = new Index(value, key);
            }

            return value;
        }

        private List<Expression> ParseArguments()
        {
            Expect('(');
            var args = new List<Expression>();
            Skip();
            while (text[_at] != ')')
            {
                args.Add(ParseOr());
                Skip();
                if (text[_at] == ',')
                {
                    _at++;
                    Skip();
                }
            }

            _at++;
            return args;
        }

        private ListOf ParseList() => new(ParseArguments());

        private bool TakeWord(string word)
        {
            Skip();
            var end = _at + word.Length;
            if (end <= text.Length && string.CompareOrdinal(text, _at, word, 0, word.Length) == 0 && (end == text.Length || !char.IsLetterOrDigit(text[end])))
            {
                _at = end;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            Skip();
            if (_at >= text.Length || text[_at] != c)
            {
                throw Error($"expected '{c}'");
            }

            _at++;
        }

        private bool Skip()
        {
            while (_at < text.Length && text[_at] == ' ')
            {
                _at++;
            }

            return true;
        }

        private InvalidOperationException Error(string what) => new($"KQL: {what} at {_at} in [{text}]");
    }
}
