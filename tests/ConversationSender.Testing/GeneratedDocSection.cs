using System.Globalization;
using System.Text.RegularExpressions;

namespace ConversationSender.Testing;

/// <summary>
/// Writes a tool's own output into a marked section of a document (<c>&lt;!-- generated:name --&gt;</c> …
/// <c>&lt;!-- /generated:name --&gt;</c>), so that measured numbers in docs/ are always what a tool printed, never typed.
/// </summary>
public static partial class GeneratedDocSection
{
    public static void Replace(string documentPath, string section, string markdown)
    {
        var text = File.ReadAllText(documentPath);
        var pattern = new Regex($"(<!-- generated:{Regex.Escape(section)} -->\n).*?(<!-- /generated:{Regex.Escape(section)} -->)", RegexOptions.Singleline, TimeSpan.FromSeconds(5));
        if (!pattern.IsMatch(text))
        {
            throw new InvalidOperationException($"{documentPath} has no section '{section}' to replace.");
        }

        File.WriteAllText(documentPath, pattern.Replace(text, m => m.Groups[1].Value + markdown.TrimEnd() + "\n" + m.Groups[2].Value, 1));
    }

    /// <summary>One line saying where numbers were measured: CPU, cores, memory, OS, runtime and date.</summary>
    public static string MachineLine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memoryGiB = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return string.Create(CultureInfo.InvariantCulture,
            $"Machine: {cpu ?? "unknown CPU"}, {Environment.ProcessorCount} cores, {memoryGiB:F0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
    }
}
