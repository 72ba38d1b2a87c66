using ConversationSender.Sending;
using ConversationSender.IntegrationTests.Infrastructure;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace ConversationSender.IntegrationTests.Sandbox;

/// <summary>
/// The sandbox page in a real headless Chromium (Debian's chromium + chromium-driver, driven by Selenium): messages
/// sent through the product's send service show up with their channel and text. Saves a screenshot.
/// </summary>
public sealed class SandboxPageBrowserTests
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string DriverPath = "/usr/bin/chromedriver";
    private const string InstallHint = "The browser test needs Debian's Chromium and its driver: sudo apt-get update && sudo apt-get install -y chromium chromium-driver";

    [Fact]
    public async Task Sent_messages_are_listed_on_the_page()
    {
        Assert.True(File.Exists(ChromiumPath) && File.Exists(DriverPath), InstallHint);
        await using var sandbox = await SinchSandbox.StartAsync();
        await using var host = SenderHost.Create(SenderHost.SettingsFor(sandbox));
        var sent = new[]
        {
            ("SMS", "+46701234567", "Your code is 123456"),
            ("WHATSAPP", "46701234568", "Your order 1234 has shipped"),
            ("RCS", "+46701234569", "Table for two at 19:00 is confirmed"),
        };
        foreach (var (channel, identity, text) in sent)
        {
            var message = $$"""{ "to": { "channel": "{{channel}}", "identity": "{{identity}}" }, "text": "{{text}}", "correlation_id": "browser-{{channel.ToLowerInvariant()}}" }""";
            Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(message), CancellationToken.None));
        }

        using var driver = StartChromium();
        driver.Navigate().GoToUrl(sandbox.BaseUrl);

        var rows = driver.FindElements(By.CssSelector("#captured tr.message"));
        Assert.Equal(3, rows.Count);
        var shown = rows.Select(r => (r.FindElement(By.CssSelector("td.channel")).Text, r.FindElement(By.CssSelector("td.text")).Text)).ToList();
        Assert.Equal(sent.Reverse().Select(s => (s.Item1, s.Item3)), shown);
        Assert.Contains("3 captured", driver.FindElement(By.TagName("h1")).Text, StringComparison.Ordinal);

        var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(screenshots, "sandbox-page.png"));

        // The ambiguous fault from the page's own form: Sinch keeps the message, the sender cannot know, and the
        // message list (what the sender searches) shows it with the sender's marker.
        driver.FindElement(By.XPath("//select[@name='kind']/option[.='accepted_then_reset']")).Click();
        driver.FindElement(By.CssSelector("form[action='/faults'] button")).Click();
        await PageShowsAsync(driver, "Pending faults: accepted, then connection reset");
        var ambiguous = """{ "to": { "channel": "SMS", "identity": "+46701234570" }, "text": "Your code is 654321", "message_metadata": "order-4711" }""";
        Assert.IsType<SendOutcome.Transient>(await host.Get<SendService>().SendAsync(BinaryData.FromString(ambiguous), CancellationToken.None));
        driver.FindElement(By.XPath("//select[@name='kind']/option[.='list_unavailable']")).Click();
        driver.FindElement(By.CssSelector("form[action='/faults'] button")).Click();
        await PageShowsAsync(driver, "Pending faults: list unavailable (503)");

        var listed = driver.FindElements(By.CssSelector("#listed tr.listed"));
        Assert.Equal(4, listed.Count);
        Assert.Equal("order-4711", listed[0].FindElement(By.CssSelector("td.metadata")).Text);
        Assert.Equal(sandbox.Listed[^1].Id, listed[0].FindElement(By.CssSelector("td.id")).Text);
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(screenshots, "sandbox-list.png"));

        driver.FindElements(By.CssSelector("#captured tr.message"))[1].FindElement(By.CssSelector("a")).Click();
        Assert.Contains("Table for two at 19:00 is confirmed", driver.FindElement(By.Id("body")).Text, StringComparison.Ordinal);
        Assert.Contains("app_id", driver.FindElement(By.Id("body")).Text, StringComparison.Ordinal);
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(screenshots, "sandbox-detail.png"));
    }

    // A form post navigates in the background: wait for the page it leads to.
    private static Task<string> PageShowsAsync(ChromeDriver driver, string text) =>
        Eventually.UntilAsync(() => PageSourceOf(driver), source => source.Contains(text, StringComparison.Ordinal), $"the page showing '{text}'");

    private static string PageSourceOf(ChromeDriver driver)
    {
        try
        {
            return driver.PageSource;
        }
        catch (WebDriverException)
        {
            return "(navigating)";
        }
    }

    private static ChromeDriver StartChromium()
    {
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };

        // Headless, and nothing that reaches for the network beyond 127.0.0.1.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,900",
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
