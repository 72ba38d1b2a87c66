using System.Reflection;
using System.Text.RegularExpressions;
using ConversationSender.Functions;
using ConversationSender.Validation;

namespace ConversationSender.IntegrationTests.Validation;

/// <summary>
/// No regular expression in our code can be made to backtrack for long: reads the assemblies and the sources (so not a
/// unit test), needs no host.
/// </summary>
public sealed partial class RegexSafetyTests
{
    [Fact]
    public void Every_regular_expression_in_our_code_runs_in_linear_time_or_has_a_timeout()
    {
        var assemblies = new[] { typeof(OutboundMessageValidator).Assembly, typeof(SendMessageHttpFunction).Assembly, typeof(SinchSandbox).Assembly };
        var generated = assemblies.SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<GeneratedRegexAttribute>() is not null)
            .ToList();
        Assert.NotEmpty(generated);
        Expect.All(generated, method =>
        {
            var regex = (Regex)method.Invoke(null, null)!;
            Assert.True(regex.Options.HasFlag(RegexOptions.NonBacktracking) || regex.MatchTimeout != Regex.InfiniteMatchTimeout,
                $"{method.DeclaringType}.{method.Name} can backtrack without a timeout");
        });

        // Regular expressions built at run time must pass a timeout; the static helpers cannot, so none is used.
        var sources = Directory.EnumerateFiles(RepositoryRoot.File("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var unsafeUses = sources.SelectMany(file => File.ReadAllLines(file).Select((line, i) => (file, line, i)))
            .Where(l => (l.line.Contains("new Regex(", StringComparison.Ordinal) && !l.line.Contains("TimeSpan", StringComparison.Ordinal))
                || StaticRegexCall().IsMatch(l.line))
            .Select(l => $"{Path.GetFileName(l.file)}:{l.i + 1}: {l.line.Trim()}");
        Assert.Empty(unsafeUses);
    }

    [GeneratedRegex(@"\bRegex\.(IsMatch|Match|Matches|Replace|Split|Count|EnumerateMatches)\(", RegexOptions.NonBacktracking)]
    private static partial Regex StaticRegexCall();
}
