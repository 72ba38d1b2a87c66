using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ConversationSender.Testing;

/// <summary>One example taken from the README, with the line it starts on (what keys a test row, so none can collapse into another).</summary>
public sealed record ReadmeExample(int Line, string Json)
{
    public override string ToString() => $"README.md:{Line}";
}

/// <summary>The message examples of the README (fenced as <c>```json message</c>) and its curl bodies, so tests keep them true.</summary>
public static partial class ReadmeExamples
{
    private static readonly string Text = File.ReadAllText(RepositoryRoot.File("README.md"));

    public static IReadOnlyList<ReadmeExample> MessageExamples { get; } =
        [.. MessageBlock().Matches(Text).Select(m => new ReadmeExample(LineOf(m.Groups[1].Index), m.Groups[1].Value))];

    public static IReadOnlyList<string> Messages { get; } = [.. MessageExamples.Select(e => e.Json)];

    /// <summary>
    /// The JSON bodies (<c>-d '…'</c>) of the README's curl commands that send one message, read command by command:
    /// a shell command is its lines joined at trailing backslashes, so a body is never taken from the next command.
    /// </summary>
    public static IReadOnlyList<ReadmeExample> CurlBodies { get; } = [.. ShellCommands().Where(IsSingleSend).Select(BodyOf).OfType<ReadmeExample>()];

    /// <summary>The README's example of a 400 answer (an unknown channel and no text).</summary>
    public static bool IsTheBadRequestExample(ReadmeExample example) => example.Json.Contains("\"SMSS\"", StringComparison.Ordinal);

    /// <summary>A readable name for an example: its content kind and overrides.</summary>
    public static string Describe(string json)
    {
        var message = JsonNode.Parse(json)!["message"]?.AsObject();
        return message is null ? "short form" : string.Join("+", message.Select(p => p.Key));
    }

    private static bool IsSingleSend((int Line, string Command) command) =>
        command.Command.StartsWith("curl ", StringComparison.Ordinal)
        && command.Command.Contains("/api/messages", StringComparison.Ordinal)
        && !command.Command.Contains("/batch", StringComparison.Ordinal);

    private static ReadmeExample? BodyOf((int Line, string Command) command) =>
        CurlBody().Match(command.Command) is { Success: true } body ? new ReadmeExample(command.Line, body.Groups["body"].Value) : null;

    private static IEnumerable<(int Line, string Command)> ShellCommands()
    {
        foreach (Match block in ShellBlock().Matches(Text))
        {
            var first = LineOf(block.Groups[1].Index);
            var lines = block.Groups[1].Value.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var start = i;
                var command = lines[i].TrimStart();
                while (command.EndsWith('\\') && i + 1 < lines.Length)
                {
                    command = command[..^1] + " " + lines[++i].Trim();
                }

                // A command may follow others on one line (a && b, a; b): each is its own.
                foreach (var part in command.Split(["&& ", "; "], StringSplitOptions.TrimEntries))
                {
                    yield return (first + start, part);
                }
            }
        }
    }

    private static int LineOf(int index) => Text.AsSpan(0, index).Count('\n') + 1;

    [GeneratedRegex(@"```json message\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex MessageBlock();

    [GeneratedRegex(@"```(?:bash|sh|shell)\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"-d '(?<body>\{[^']*\})'")]
    private static partial Regex CurlBody();
}
