using System.Globalization;
using System.Text;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>Parses and evaluates one ARM expression (the text inside <c>[…]</c>): calls, literals, <c>.member</c> and <c>[index]</c>.</summary>
internal sealed partial class ArmTemplate
{
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
