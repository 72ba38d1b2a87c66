using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ConversationSender.Tests.Infrastructure;

/// <summary>The message examples of the README (fenced as <c>```json message</c>), so tests keep them true.</summary>
internal static partial class ReadmeExamples
{
    public static IReadOnlyList<string> Messages { get; } =
        [.. MessageBlock().Matches(File.ReadAllText(RepositoryRoot.File("README.md"))).Select(m => m.Groups[1].Value)];

    /// <summary>The JSON bodies (<c>-d '…'</c>) of the README's curl examples that send one message.</summary>
    public static IReadOnlyList<string> CurlBodies { get; } =
    [
        .. CurlBody().Matches(File.ReadAllText(RepositoryRoot.File("README.md")))
            .Where(m => m.Groups["command"].Value.Contains("/api/messages", StringComparison.Ordinal) && !m.Groups["command"].Value.Contains("/batch", StringComparison.Ordinal))
            .Select(m => m.Groups["body"].Value),
    ];

    /// <summary>The README's example of a 400 answer (an unknown channel and no text).</summary>
    public static bool IsTheBadRequestExample(string body) => body.Contains("\"SMSS\"", StringComparison.Ordinal);

    /// <summary>A readable name for an example: its content kind and overrides.</summary>
    public static string Describe(string json)
    {
        var message = JsonNode.Parse(json)!["message"]?.AsObject();
        return message is null ? "short form" : string.Join("+", message.Select(p => p.Key));
    }

    [GeneratedRegex(@"```json message\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex MessageBlock();

    [GeneratedRegex(@"curl (?<command>(?:(?!-d ').)*?)-d '(?<body>\{.*?\})'", RegexOptions.Singleline)]
    private static partial Regex CurlBody();
}
