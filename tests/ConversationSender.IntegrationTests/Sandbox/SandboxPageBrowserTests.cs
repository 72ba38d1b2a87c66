using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ConversationSender.IntegrationTests.Infrastructure;
using ConversationSender.Sending;
using OpenQA.Selenium;

namespace ConversationSender.IntegrationTests.Sandbox;

/// <summary>
/// The sandbox page in a real headless Chromium at 1280 px: every documented message kind drawn as the recipient's
/// app shows it, live updates without a reload, the filters, failures in red with their reason, a refused send's
/// field errors; screenshots of every kind (docs/sandbox/).
/// </summary>
public sealed class SandboxPageBrowserTests(ChromiumFixture browser) : IClassFixture<ChromiumFixture>
{
    private const string RowTexts = "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim());";

    [Fact]
    public async Task Every_documented_message_kind_is_drawn_as_the_recipient_sees_it()
    {
        await using var sandbox = await SinchSandbox.StartAsync();
        await using var host = SenderHost.Create(SenderHost.SettingsFor(sandbox));
        var examples = ReadmeExamples.MessageExamples.Where(e => e.Document == "docs/message-kinds.md").Select(e => e.Json).ToList();
        foreach (var example in examples)
        {
            Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(example), CancellationToken.None));
        }

        browser.Driver.Navigate().GoToUrl(sandbox.BaseUrl);
        await RowsAsync(examples.Count);
        var driver = browser.Driver;

        Assert.Equal(Of(examples, "text_message")["message"]!["text_message"]!["text"]!.GetValue<string>(), Texts("[data-kind='text_message']")[^1]);
        Assert.Equal(["receipt-1234.pdf"], Texts("[data-kind='media_message'] .file-name"));
        Assert.Contains("01HXTEMPLATE000000000000001", Texts("[data-kind='template_message'] .template-ref")[0], StringComparison.Ordinal);
        Assert.Contains("order_shipped", Texts("[data-kind='template_message'] .template-ref")[1], StringComparison.Ordinal);
        var choices = Of(examples, "choice_message")["message"]!["choice_message"]!["choices"]!.AsArray()
            .Select(c => c!.AsObject().Single(p => p.Key != "postback_data").Value!).Select(c => (c["text"] ?? c["title"])!.GetValue<string>());
        Assert.Equal(choices, Texts("[data-kind='choice_message'] button.choice .label"));
        Assert.Equal(["How can we help?"], Texts("[data-kind='choice_message'] .bubble"));
        Assert.Equal(["Winter jacket"], Texts("[data-kind='card_message'] .card-title"));
        Assert.Equal(["Now 20% off"], Texts("[data-kind='card_message'] .card-description"));
        Assert.Equal(["Buy"], Texts("[data-kind='card_message'] button.choice .label"));
        Assert.Equal(["Jacket", "Boots"], Texts("[data-kind='carousel_message'] .card-title"));
        Assert.Equal(["Jacket", "Boots", "See all"], Texts("[data-kind='carousel_message'] button.choice .label"));
        Assert.Equal(["Pick-up point"], Texts("[data-kind='location_message'] .location-title"));
        Assert.Equal(["Open 8-20"], Texts("[data-kind='location_message'] .location-label"));
        Assert.Equal(["59.3293, 18.0686"], Texts("[data-kind='location_message'] .coordinates"));
        Assert.Contains("Customer Service", Texts("[data-kind='contact_info_message'] .contact-name")[0], StringComparison.Ordinal);
        Assert.Equal(["+46800000000"], Texts("[data-kind='contact_info_message'] .phone"));
        Assert.Equal(["help@example.com"], Texts("[data-kind='contact_info_message'] .email"));
        Assert.Equal(["Pick a delivery slot"], Texts("[data-kind='list_message'] .list-title"));
        Assert.Equal(["Morning"], Texts("[data-kind='list_message'] .section-title"));
        Assert.Equal(["08-10", "10-12"], Texts("[data-kind='list_message'] .item-title"));
        Assert.Equal(["Booking bot · bot"], Texts(".recipient .agent"));
        Assert.Contains(Texts(".recipient .override"), o => o.StartsWith("MESSENGER", StringComparison.Ordinal));
        Assert.Contains(Texts(".recipient .override"), o => o.Contains("FLOWS", StringComparison.Ordinal));

        // Nothing from outside this machine: the page's own files only, and media as placeholders until asked for.
        Assert.All(Texts("script"), s => Assert.Empty(s));
        Assert.All(browser.Run<IReadOnlyCollection<object>>("return [...document.querySelectorAll('script,link')].map(e => e.src || e.href);"),
            url => Assert.StartsWith(new Uri(sandbox.BaseUrl, "page/").ToString(), (string)url, StringComparison.Ordinal));
        Assert.Empty(driver.FindElements(By.TagName("img")));
        using var http = new HttpClient();
        var page = await http.GetAsync(sandbox.BaseUrl);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        // At 1280 px every row keeps its Outcome column on screen, however long its content.
        var rows = driver.FindElements(By.CssSelector("#captured tr.message"));
        Assert.All(rows, r =>
        {
            var outcome = r.FindElement(By.CssSelector("td.outcome-cell"));
            Assert.True(outcome.Location.X + outcome.Size.Width <= ChromiumFixture.Width, $"Outcome column ends at {outcome.Location.X + outcome.Size.Width} px");
        });
        browser.Save(driver, "sandbox");
        // One screenshot of the page per message: the search narrowed to its id (docs/sandbox/<kind>.png).
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var shots = rows.Reverse().Select(row => (
            Id: row.FindElement(By.CssSelector("a.message-id")).Text,
            Kinds: row.FindElements(By.CssSelector(".recipient > [data-kind]")).Select(k => (k.GetDomAttribute("data-kind") ?? "").Replace("_message", "", StringComparison.Ordinal)).ToList(),
            Overrides: row.FindElements(By.CssSelector(".override, .agent")).Count > 0)).ToList();
        driver.Manage().Window.Size = new System.Drawing.Size(ChromiumFixture.Width, 720);
        foreach (var (id, kinds, overrides) in shots)
        {
            Assert.Equal([id], Filtered(("filter-text", id)).Select(_ => id));
            var name = string.Join("-", kinds) + (overrides ? "-with-overrides" : "");
            names[name] = names.GetValueOrDefault(name) + 1;
            browser.Save(driver, names[name] == 1 ? name : $"{name}-{names[name]}");
        }

        driver.Manage().Window.Size = new System.Drawing.Size(ChromiumFixture.Width, 900);
    }

    [Fact]
    public async Task Updates_arrive_live_filters_narrow_and_failures_are_shown_as_failures()
    {
        await using var sandbox = await SinchSandbox.StartAsync(configure: o =>
        {
            // Reports go nowhere (a closed port), but are still recorded, FAILED for the failing identity.
            o.WebhookUrl = "http://127.0.0.1:9/events";
            o.DeliveryReportDelay = TimeSpan.Zero;
        });
        await using var host = SenderHost.Create(SenderHost.SettingsFor(sandbox));
        var driver = browser.Driver;
        driver.Navigate().GoToUrl(sandbox.BaseUrl);
        await Eventually.UntilAsync(() => browser.Run<string>("return document.getElementById('live').textContent;"), s => s == "live", "the page's live feed");
        browser.Run<object>("window.sandboxMarker = 42; return null;");
        driver.FindElement(By.Id("reply-text")).SendKeys("Half typ");

        var sent = new[]
        {
            ("SMS", "+46701234567", "Your code is 123456"),
            ("WHATSAPP", "46701234568", "Your order 1234 has shipped"),
            ("SMS", "+46700000000", "Unreachable, this one"),
        };
        foreach (var (channel, identity, text) in sent)
        {
            var message = $$"""{ "to": { "channel": "{{channel}}", "identity": "{{identity}}" }, "text": "{{text}}" }""";
            Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(message), CancellationToken.None));
        }

        Assert.Equal(3, await RowsAsync(3));
        await StatesAsync(s => s.Count(x => x == "failed") == 1 && s.Count(x => x == "delivered") == 2, "two delivered and one FAILED");
        Assert.Equal(42L, browser.Run<long>("return window.sandboxMarker;"));
        Assert.Equal("Half typ", driver.FindElement(By.Id("reply-text")).GetDomProperty("value"));

        // A refused send (Sinch's first-stage checks): red, with the field it refused.
        using var http = new HttpClient();
        using var refused = new HttpRequestMessage(HttpMethod.Post, new Uri(sandbox.BaseUrl, $"v1/projects/{sandbox.Options.ProjectId}/messages:send"))
        {
            Content = new StringContent($$"""{ "app_id": "{{sandbox.Options.AppId}}", "recipient": { "identified_by": { "channel_identities": [ { "channel": "TELEGRAM", "identity": "123456789" } ] } }, "message": { "location_message": { "title": "Nowhere", "coordinates": { "latitude": 500, "longitude": 18 } } } }""", Encoding.UTF8, "application/json"),
        };
        refused.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SinchSandbox.DefaultKeyId}:{sandbox.KeySecret}")));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(refused)).StatusCode);
        await StatesAsync(s => s.Count == 4 && s[0] == "rejected", "the refused send on top, rejected");

        var failed = driver.FindElement(By.CssSelector("#captured tr.message.failed"));
        Assert.Equal("FAILED", failed.FindElement(By.CssSelector(".outcome .badge")).Text);
        Assert.Contains("RECIPIENT_NOT_REACHABLE", failed.FindElement(By.CssSelector(".outcome .reason")).Text, StringComparison.Ordinal);
        Assert.Equal("rgba(179, 38, 30, 1)", failed.FindElement(By.CssSelector(".outcome .badge")).GetCssValue("background-color"));
        var rejected = driver.FindElement(By.CssSelector("#captured tr.message.rejected"));
        Assert.StartsWith("rejected · 400 INVALID_ARGUMENT", rejected.FindElement(By.CssSelector(".outcome .badge")).Text, StringComparison.Ordinal);
        Assert.Contains("message.location_message.coordinates.latitude: must be between -90 and 90", rejected.FindElement(By.CssSelector(".outcome .reason")).Text, StringComparison.Ordinal);
        Assert.Equal("rgba(179, 38, 30, 1)", rejected.FindElement(By.CssSelector(".outcome .badge")).GetCssValue("background-color"));
        browser.Save(driver, "failures");

        Assert.Equal(["Your order 1234 has shipped"], Filtered(("filter-channel", "WHATSAPP")));
        Assert.Equal(["Unreachable, this one"], Filtered(("filter-identity", "0000")));
        Assert.Equal(["Your code is 123456"], Filtered(("filter-text", "CODE IS")));
        Assert.Equal(["Unreachable, this one"], Filtered(("filter-outcome", "failed")));
        Assert.Equal(["Nowhere", "Unreachable, this one"], Filtered(("filter-outcome", "problem")));
        Assert.Equal(["Your code is 123456"], Filtered(("filter-channel", "SMS"), ("filter-outcome", "delivered")));
        Assert.Equal(4, Filtered().Count);

        // The fault switch from the page's own form: the pending fault shows without a reload, then the ambiguous send.
        driver.FindElement(By.XPath("//select[@id='fault-kind']/option[.='accepted_then_reset']")).Click();
        driver.FindElement(By.CssSelector("#fault-form button")).Click();
        await Eventually.UntilAsync(() => browser.Run<string>("return document.getElementById('pending-faults').textContent;"), t => t == "accepted, then connection reset", "the pending fault on the page");
        var ambiguous = """{ "to": { "channel": "SMS", "identity": "+46701234570" }, "text": "Your code is 654321", "message_metadata": "order-4711" }""";
        Assert.IsType<SendOutcome.Transient>(await host.Get<SendService>().SendAsync(BinaryData.FromString(ambiguous), CancellationToken.None));
        await StatesAsync(s => s.Contains("unconfirmed"), "the ambiguous send, unconfirmed");
        await Eventually.UntilAsync(() => browser.Run<IReadOnlyCollection<object>>(RowTexts, "#listed td.metadata").Cast<string>().ToList(), m => m.Count > 0 && m[0] == "order-4711", "the message list with the sender's marker on top");
        Assert.Equal(42L, browser.Run<long>("return window.sandboxMarker;"));

        // A refused send's page names every field Sinch refused; a failed delivery's names the reason.
        rejected.FindElement(By.CssSelector("a.message-id")).Click();
        await Eventually.UntilAsync(() => browser.Run<IReadOnlyCollection<object>>(RowTexts, "#field-errors td.field").Cast<string>().ToList(), f => f.Contains("message.location_message.coordinates.latitude"), "the field errors");
        Assert.Contains("must be between -90 and 90", Texts("#field-errors td.description"));
        Assert.Contains("Nowhere", Texts("#preview .location-title"));
        browser.Save(driver, "detail-rejected");
        driver.Navigate().Back();
        await RowsAsync(5);
        driver.FindElement(By.CssSelector("#captured tr.message.failed a.message-id")).Click();
        await Eventually.UntilAsync(() => browser.Run<IReadOnlyCollection<object>>(RowTexts, "#reports tr.report.failed td.reason").Cast<string>().ToList(), r => r.Count == 1 && r[0].StartsWith("RECIPIENT_NOT_REACHABLE", StringComparison.Ordinal), "the FAILED report with its reason");
        Assert.Equal(["FAILED"], Texts("#verdict .badge"));
        browser.Save(driver, "detail-failed");
    }

    [Fact]
    public async Task A_stop_reply_as_the_recipient_shows_the_identity_opted_out_and_a_consent_event_from_the_form_too()
    {
        await using var sandbox = await SinchSandbox.StartAsync(configure: o =>
        {
            // Callbacks go nowhere (a closed port): the page shows what Sinch would know, whatever the webhook answers.
            o.WebhookUrl = "http://127.0.0.1:9/events";
            o.DeliveryReportDelay = TimeSpan.Zero;
        });
        await using var host = SenderHost.Create(SenderHost.SettingsFor(sandbox));
        foreach (var (identity, text) in new[] { ("+46701234567", "Your code is 123456"), ("+46701234568", "Your order 1234 has shipped") })
        {
            var message = $$"""{ "to": { "channel": "SMS", "identity": "{{identity}}" }, "text": "{{text}}" }""";
            Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(message), CancellationToken.None));
        }

        var driver = browser.Driver;
        driver.Navigate().GoToUrl(sandbox.BaseUrl);
        await RowsAsync(2);
        Assert.Empty(Texts("#captured .consent-badge"));

        // The recipient of the first send replies "Stop." from the page, by its number without the plus.
        Reply("46701234567", "Stop.");
        await Eventually.UntilAsync(() => OptedOutRows(), r => r.SequenceEqual(["Your code is 123456"]), "the first send's row marked opted out");
        Assert.Equal(["opted out"], Texts("#captured tr.message .consent-badge"));
        Assert.Equal(["SMS 46701234567 opted out"], Texts("#consent-states .consent-chip"));
        Assert.Equal("rgba(179, 38, 30, 1)", driver.FindElement(By.CssSelector("#consent-states .consent-badge")).GetCssValue("background-color"));
        Assert.Contains("keyword: STOP, webhook unreachable", driver.FindElement(By.CssSelector("#consent-states .consent-badge")).GetDomAttribute("title"), StringComparison.Ordinal);

        // The chip narrows the list to that identity.
        driver.FindElement(By.CssSelector("#consent-states .consent-chip")).Click();
        Assert.Equal("46701234567", driver.FindElement(By.Id("filter-identity")).GetDomProperty("value"));
        Assert.Equal(["Your code is 123456"], VisibleTexts());
        browser.Save(driver, "opted-out");

        // Sinch's own OPT_OUT for the other identity, from the page's consent form.
        driver.FindElement(By.Id("filter-identity")).Clear();
        driver.FindElement(By.Id("consent-identity")).SendKeys("+46701234568");
        driver.FindElement(By.CssSelector("#consent-form button")).Click();
        await Eventually.UntilAsync(() => OptedOutRows(), r => r.Count == 2, "both rows marked opted out");
        Assert.Equal("opt_out_notification", Assert.Single(sandbox.Consent, c => c.Identity == "+46701234568").Source);

        // START takes it back: the row loses its badge, the chip says opted in.
        Reply("46701234567", "start");
        await Eventually.UntilAsync(() => OptedOutRows(), r => r.SequenceEqual(["Your order 1234 has shipped"]), "only the second row still opted out");
        Assert.Contains("SMS 46701234567 opted in", Texts("#consent-states .consent-chip"));
    }

    private void Reply(string identity, string text)
    {
        var driver = browser.Driver;
        driver.FindElement(By.Id("reply-identity")).Clear();
        driver.FindElement(By.Id("reply-identity")).SendKeys(identity);
        driver.FindElement(By.Id("reply-text")).Clear();
        driver.FindElement(By.Id("reply-text")).SendKeys(text);
        driver.FindElement(By.CssSelector("#reply-form button")).Click();
    }

    private List<string> OptedOutRows() =>
        [.. browser.Run<IReadOnlyCollection<object>>("return [...document.querySelectorAll('#captured tr.message')].filter(r => r.querySelector('.consent-badge.opted-out')).map(r => r.querySelector('.bubble').textContent.trim());").Cast<string>()];

    private List<string> VisibleTexts() =>
        [.. browser.Run<IReadOnlyCollection<object>>("return [...document.querySelectorAll('#captured tr.message')].filter(r => r.offsetParent !== null).map(r => r.querySelector('.bubble').textContent.trim());").Cast<string>()];

    private static JsonNode Of(IEnumerable<string> examples, string kind) =>
        examples.Select(e => JsonNode.Parse(e)!).First(e => e["message"]!.AsObject().Count == 1 && e["message"]![kind] is not null);

    private List<string> Texts(string selector) =>
        [.. browser.Run<IReadOnlyCollection<object>>(RowTexts, selector).Cast<string>()];

    /// <summary>Sets the filters, and returns the texts of the rows left visible (the first text of each).</summary>
    private List<string> Filtered(params (string Id, string Value)[] filters)
    {
        const string Script = """
            for (const id of ['filter-channel', 'filter-identity', 'filter-text', 'filter-outcome']) document.getElementById(id).value = '';
            for (const [id, value] of arguments[0]) document.getElementById(id).value = value;
            document.getElementById('filter-text').dispatchEvent(new Event('input'));
            return [...document.querySelectorAll('#captured tr.message')].filter(r => r.offsetParent !== null)
              .map(r => (r.querySelector('.bubble, .location-title') || r).textContent.trim());
            """;
        return [.. browser.Run<IReadOnlyCollection<object>>(Script, (object)filters.Select(f => new object[] { f.Id, f.Value }).ToArray()).Cast<string>()];
    }

    private async Task<int> RowsAsync(int count) =>
        (await Eventually.UntilAsync(() => Texts("#captured tr.message td.time"), r => r.Count == count, $"{count} rows on the page")).Count;

    private Task<List<string>> StatesAsync(Func<List<string>, bool> done, string what) =>
        Eventually.UntilAsync(() => browser.Run<IReadOnlyCollection<object>>("return [...document.querySelectorAll('#captured tr.message')].map(r => r.dataset.state);").Cast<string>().ToList(), done, what);
}
