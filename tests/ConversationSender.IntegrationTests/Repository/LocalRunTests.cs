using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConversationSender.Functions;
using Microsoft.Azure.Functions.Worker;

namespace ConversationSender.IntegrationTests.Repository;

/// <summary>
/// A newcomer's first command: <c>npm start</c> on a machine without Azure Functions Core Tools stops at once with one
/// clear message and the install commands, and starts nothing. And every route and npm script the README shows exists.
/// </summary>
public sealed partial class LocalRunTests
{
    [Fact]
    public async Task Npm_start_without_core_tools_says_what_to_install_and_starts_nothing()
    {
        var before = ServiceProcesses();
        var start = new ProcessStartInfo("npm", "start")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // The machine's PATH without any folder that has a func in it.
        start.Environment["PATH"] = string.Join(Path.PathSeparator, (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator).Where(dir => !File.Exists(Path.Combine(dir, "func"))));
        using var npm = Process.Start(start)!;
        var stdout = npm.StandardOutput.ReadToEndAsync();
        var stderr = npm.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await npm.WaitForExitAsync(deadline.Token);

        var said = await stdout + await stderr;
        Assert.NotEqual(0, npm.ExitCode);
        Assert.Contains("Azure Functions Core Tools v4 (func) is not installed", said, StringComparison.Ordinal);
        Assert.Contains("npm install -g azure-functions-core-tools@4", said, StringComparison.Ordinal);
        Assert.Contains("winget install", said, StringComparison.Ordinal);
        Assert.Contains("brew", said, StringComparison.Ordinal);
        Assert.Contains("Nothing was started", said, StringComparison.Ordinal);
        Assert.DoesNotContain("func: not found", said, StringComparison.Ordinal);
        Assert.Equal(before, ServiceProcesses());
    }

    [Fact]
    public void Every_route_the_readme_shows_is_a_function_route()
    {
        var routes = typeof(SendMessageHttpFunction).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters())
            .Select(p => p.GetCustomAttributes(typeof(HttpTriggerAttribute), false).OfType<HttpTriggerAttribute>().SingleOrDefault()?.Route)
            .OfType<string>()
            .Select(route => new Regex("^/api/" + Regex.Replace(Regex.Escape(route), @"\\\{[^}]+}", "[^/?]+") + "$", RegexOptions.None, TimeSpan.FromSeconds(1)))
            .ToList();
        // The sandbox serves its own /api/… routes (captured messages, fault switches): taken from where it maps them.
        var sandboxSource = string.Concat(Directory.GetFiles(RepositoryRoot.File("src", "ConversationSender.Sandbox"), "SinchSandbox*.cs").Select(File.ReadAllText));
        routes.AddRange(SandboxRoute().Matches(sandboxSource)
            .Select(m => new Regex("^" + Regex.Replace(Regex.Escape(m.Groups[1].Value), @"\\\{[^}]+}", "[^/?]+") + "$", RegexOptions.None, TimeSpan.FromSeconds(1))));
        var readme = ReadmeExamples.AllText;
        var shown = ApiPath().Matches(readme).Select(m => m.Value.TrimEnd('.', ',', ')', ':', '`')).Distinct().ToList();

        Assert.True(shown.Count > 5, $"only {shown.Count} routes found in the README and docs/");
        Expect.All(shown, path => Assert.True(routes.Any(r => r.IsMatch(path.Split('?')[0])), $"the README or docs/ show {path}, which no function serves"));
    }

    [Fact]
    public void Every_npm_script_the_readme_shows_exists()
    {
        var scripts = JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("package.json")))!["scripts"]!.AsObject().Select(p => p.Key).ToHashSet();
        var readme = ReadmeExamples.AllText;
        var shown = NpmRun().Matches(readme).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.Contains("start", scripts);
        Assert.NotEmpty(shown);
        Expect.All(shown, script => Assert.Contains(script, scripts));
    }

    // Azurite on the repository's own data folder, or the sandbox project: what npm start would have started.
    private static int ServiceProcesses() =>
        Directory.EnumerateDirectories("/proc").Count(dir =>
        {
            try
            {
                var command = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                return command.Contains("--location .azurite", StringComparison.Ordinal) || command.Contains("src/ConversationSender.Sandbox", StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        });

    [GeneratedRegex(@"/api/[A-Za-z0-9_{}/:.\-?=&%]+")]
    private static partial Regex ApiPath();

    [GeneratedRegex(@"Map(?:Get|Post|Delete)\(""(/api/[^""]+)""")]
    private static partial Regex SandboxRoute();

    [GeneratedRegex(@"npm run ([a-z][a-z0-9:-]*)")]
    private static partial Regex NpmRun();
}
