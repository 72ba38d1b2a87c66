using System.Text.RegularExpressions;

namespace ConversationSender.IntegrationTests.Repository;

/// <summary>
/// Every relative link of the README and docs/ leads somewhere: the file exists, and a <c>#fragment</c> names a heading
/// of it (as GitHub makes anchors from headings) or an explicit <c>&lt;a id&gt;</c>.
/// </summary>
public sealed partial class DocumentLinksTests
{
    // Written on parallel branches (deployment: issue 32; the SDK page: issue 29); drop each once it is on main.
    private static readonly string[] ArrivingElsewhere = ["docs/sinch-sdks.md"];

    public static TheoryData<string> Documents() => [.. DocumentNames()];

    private static IEnumerable<string> DocumentNames() =>
        Directory.GetFiles(RepositoryRoot.File("docs"), "*.md").Order(StringComparer.Ordinal).Select(f => "docs/" + Path.GetFileName(f)).Prepend("README.md");

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_leads_to_a_file_and_a_heading(string document)
    {
        var text = File.ReadAllText(RepositoryRoot.File(document.Split('/')));
        var folder = Path.GetDirectoryName(document) ?? "";
        var links = Link().Matches(text).Select(m => m.Groups["target"].Value)
            .Where(t => !t.Contains("://", StringComparison.Ordinal) && !t.StartsWith("mailto:", StringComparison.Ordinal))
            .ToList();

        // A document may have no relative link at all (performance.md's numbers): then there is nothing to break.
        foreach (var link in links)
        {
            var (path, fragment) = link.Split('#', 2) is [var p, var f] ? (p, f) : (link, null);
            var target = path.Length == 0 ? document : Path.GetRelativePath(RepositoryRoot.Path, Path.GetFullPath(Path.Combine(RepositoryRoot.Path, folder, path))).Replace('\\', '/');
            if (ArrivingElsewhere.Contains(target) && !File.Exists(RepositoryRoot.File(target.Split('/'))))
            {
                continue;
            }

            Assert.True(File.Exists(RepositoryRoot.File(target.Split('/'))) || Directory.Exists(RepositoryRoot.File(target.Split('/'))), $"{document} links to {link}: no such file");
            if (fragment is not null)
            {
                Assert.True(Anchors(File.ReadAllText(RepositoryRoot.File(target.Split('/')))).Contains(fragment), $"{document} links to {link}: {target} has no such heading");
            }
        }
    }

    [Fact]
    public void The_readme_stays_short_and_links_every_document()
    {
        var readme = File.ReadAllText(RepositoryRoot.File("README.md"));

        Assert.True(readme.Length <= 12 * 1024, $"README.md is {readme.Length} characters; keep it under 12 KB and move detail to docs/");
        Expect.All(DocumentNames().Where(d => d != "README.md"), d => Assert.Contains($"]({d}", readme, StringComparison.Ordinal));
    }

    // GitHub's anchors: the heading lower-cased, punctuation but hyphens and underscores dropped, spaces made hyphens.
    private static HashSet<string> Anchors(string markdown) =>
        [.. Heading().Matches(markdown).Select(m => Punctuation().Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-')),
         .. ExplicitAnchor().Matches(markdown).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{N} _-]")]
    private static partial Regex Punctuation();

    [GeneratedRegex(@"<a id=""([^""]+)""")]
    private static partial Regex ExplicitAnchor();
}
