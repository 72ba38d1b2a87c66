using System.Diagnostics;

namespace ConversationSender.Testing;

/// <summary>
/// The repository's npm packages (package-lock.json), installed with <c>npm ci</c> when one the tests need is missing;
/// one install at a time, since parallel test classes (Azurite, the Node SDK) may ask at once.
/// </summary>
public static class NodePackages
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    /// <summary>
    /// Runs <c>npm ci</c> in the repository unless <paramref name="file"/> (under node_modules) and every devDependency
    /// of package.json are there (a tool added since the last install, such as npm run queue's SDK, counts as missing).
    /// </summary>
    /// <returns>The full path of <paramref name="file"/>.</returns>
    public static async Task<string> EnsureAsync(params string[] file)
    {
        var root = RepositoryRoot.Path;
        var path = Path.Combine([root, "node_modules", .. file]);
        await InstallGate.WaitAsync();
        try
        {
            if (!File.Exists(path) || DevDependencies(root).Any(name => !File.Exists(Path.Combine(root, "node_modules", name, "package.json"))))
            {
                await RunNpmCiAsync(root);
            }
        }
        finally
        {
            InstallGate.Release();
        }

        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is not installed; run 'npm ci' in {root}.");
    }

    private static IEnumerable<string> DevDependencies(string root) =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(root, "package.json")))?["devDependencies"]?.AsObject().Select(p => p.Key) ?? [];

    private static async Task RunNpmCiAsync(string root)
    {
        var npm = new ProcessStartInfo("npm") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            npm.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(npm) ?? throw new InvalidOperationException("npm did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("npm was not found on PATH: install Node.js 20 or later.", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'npm ci' failed in {root} (exit {process.ExitCode}):\n{await stdout}\n{await stderr}");
            }
        }
    }
}
