using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace ConversationSender.IntegrationTests.Sandbox;

/// <summary>
/// One headless Chromium (Debian's chromium + chromium-driver, driven by Selenium) at 1280 px, shared by the page's
/// tests, and where their screenshots go: <c>bin/…/screenshots</c>, or <c>SANDBOX_SCREENSHOTS</c> when set (the
/// docs' images are taken with <c>SANDBOX_SCREENSHOTS=docs/sandbox</c>).
/// </summary>
public sealed class ChromiumFixture : IDisposable
{
    public const int Width = 1280;
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string DriverPath = "/usr/bin/chromedriver";
    private const string InstallHint = "The browser tests need Debian's Chromium and its driver: sudo apt-get update && sudo apt-get install -y chromium chromium-driver";

    private readonly Lazy<ChromeDriver> _driver = new(Start);

    public ChromeDriver Driver => _driver.Value;

    public string Screenshots { get; } = Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("SANDBOX_SCREENSHOTS") is { Length: > 0 } dir
            ? Path.GetFullPath(dir, RepositoryRoot.Path)
            : Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public void Save(ITakesScreenshot target, string name) => target.GetScreenshot().SaveAsFile(Path.Combine(Screenshots, name + ".png"));

    /// <summary>Runs a script in the page and returns its result (reads the DOM in one step, between live updates).</summary>
    public T Run<T>(string script, params object[] args) => (T)Driver.ExecuteScript(script, args)!;

    public void Dispose()
    {
        if (_driver.IsValueCreated)
        {
            _driver.Value.Quit();
            _driver.Value.Dispose();
        }
    }

    private static ChromeDriver Start()
    {
        Assert.True(File.Exists(ChromiumPath) && File.Exists(DriverPath), InstallHint);
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };

        // Headless, and nothing that reaches for the network beyond 127.0.0.1.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--window-size={Width},900", "--hide-scrollbars",
            $"--user-data-dir={Directory.CreateTempSubdirectory("chromium-").FullName}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        try
        {
            return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        }
        catch (WebDriverException ex)
        {
            throw new InvalidOperationException($"Chromium did not start. {InstallHint}", ex);
        }
    }
}
