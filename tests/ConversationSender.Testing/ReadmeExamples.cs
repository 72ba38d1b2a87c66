using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ConversationSender.Testing;

/// <summary>One example taken from the documentation, with the document and line it starts on (what keys a test row, so none can collapse into another).</summary>
public sealed record ReadmeExample(string Document, int Line, string Json)
{
    public override string ToString() => $"{Document}:{Line}";
}

/// <summary>
/// One shell command of a document, its lines joined at trailing backslashes, and the HTTP status the document says it
/// answers (a <c># → 200 …</c> line right after it), when it says one.
/// </summary>
public sealed record DocumentedCommand(string Document, int Line, string Command, int? ExpectedStatus)
{
    public override string ToString() => $"{Document}:{Line}";
}

/// <summary>
/// The examples of the README and of docs/: message examples (fenced as <c>```json message</c>), the curl bodies,
/// and every shell command in reading order, so that tests keep them true wherever they live.
/// </summary>
public static partial class ReadmeExamples
{
    /// <summary>The README, then docs/ in the order the README's map lists them (the order a reader follows).</summary>
    public static IReadOnlyList<string> Documents { get; } =
        ["README.md", "docs/sending.md", "docs/message-kinds.md", "docs/guarantees.md", "docs/operations.md", "docs/settings.md", "docs/sandbox.md", "docs/testing.md"];

    private static readonly Dictionary<string, string> Texts = Documents.ToDictionary(d => d, d => File.ReadAllText(RepositoryRoot.File(d.Split('/'))));

    /// <summary>Every document's text, for tests that check that something is said somewhere.</summary>
    public static string AllText { get; } = string.Join("\n", Texts.Values);

    public static string Text(string document) => Texts[document];

    public static IReadOnlyList<ReadmeExample> MessageExamples { get; } =
        [.. Documents.SelectMany(d => MessageBlock().Matches(Texts[d]).Select(m => new ReadmeExample(d, LineOf(d, m.Groups[1].Index), m.Groups[1].Value)))];

    public static IReadOnlyList<string> Messages { get; } = [.. MessageExamples.Select(e => e.Json)];

    /// <summary>
    /// The JSON bodies (<c>-d '…'</c>) of the documents' curl commands that send one message, read command by command:
    /// a shell command is its lines joined at trailing backslashes, so a body is never taken from the next command.
    /// </summary>
    public static IReadOnlyList<ReadmeExample> CurlBodies { get; } =
        [.. Documents.SelectMany(Commands).Where(IsSingleSend).Select(BodyOf).OfType<ReadmeExample>()];

    /// <summary>The example of a 400 answer (an unknown channel and no text).</summary>
    public static bool IsTheBadRequestExample(ReadmeExample example) => example.Json.Contains("\"SMSS\"", StringComparison.Ordinal);

    /// <summary>A readable name for an example: its content kind and overrides.</summary>
    public static string Describe(string json)
    {
        var message = JsonNode.Parse(json)!["message"]?.AsObject();
        return message is null ? "short form" : string.Join("+", message.Select(p => p.Key));
    }

    /// <summary>A document's shell commands in reading order (comment lines are not commands; they give the expected status).</summary>
    public static IReadOnlyList<DocumentedCommand> Commands(string document)
    {
        var text = Texts[document];
        var commands = new List<DocumentedCommand>();
        foreach (Match block in ShellBlock().Matches(text))
        {
            var first = LineOf(document, block.Groups["body"].Index);
            var lines = block.Groups["body"].Value.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var start = i;
                var command = lines[i].Trim();
                if (command.Length == 0 || command.StartsWith('#'))
                {
                    continue;
                }

                // A command goes on after a trailing backslash, and while a quote is open (a JSON body over several lines).
                while (i + 1 < lines.Length && (command.EndsWith('\\') || command.Count(c => c == '\'') % 2 == 1))
                {
                    command = command.EndsWith('\\') ? command[..^1] + " " + lines[++i].Trim() : command + "\n" + lines[++i];
                }

                var expected = i + 1 < lines.Length && ExpectedStatus().Match(lines[i + 1]) is { Success: true } status
                    ? int.Parse(status.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
                    : (int?)null;
                commands.Add(new DocumentedCommand(document, first + start, command, expected));
            }
        }

        return commands;
    }

    private static bool IsSingleSend(DocumentedCommand command) =>
        command.Command.StartsWith("curl ", StringComparison.Ordinal)
        && command.Command.Contains("/api/messages", StringComparison.Ordinal)
        && !command.Command.Contains("/batch", StringComparison.Ordinal);

    private static ReadmeExample? BodyOf(DocumentedCommand command) =>
        CurlBody().Match(command.Command) is { Success: true } body ? new ReadmeExample(command.Document, command.Line, body.Groups["body"].Value) : null;

    private static int LineOf(string document, int index) => Texts[document].AsSpan(0, index).Count('\n') + 1;

    [GeneratedRegex(@"```json message\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex MessageBlock();

    // A block may sit indented under a list item; it ends at a fence with the same indentation.
    [GeneratedRegex(@"^(?<indent>[ \t]*)```(?:bash|sh|shell)\n(?<body>.*?)\n\k<indent>```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"-d '(?<body>\{[^']*\})'")]
    private static partial Regex CurlBody();

    [GeneratedRegex(@"^\s*# → (\d{3})\b")]
    private static partial Regex ExpectedStatus();
}
