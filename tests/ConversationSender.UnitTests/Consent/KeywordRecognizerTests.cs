using ConversationSender.Consent;
using Microsoft.Extensions.Configuration;

namespace ConversationSender.UnitTests.Consent;

public sealed class KeywordRecognizerTests
{
    private static readonly KeywordRecognizer Defaults = new(new ConsentOptions());

    // text → expected "action/category/language", or "-" for not a keyword.
    [Theory]
    // The FCC's seven, Twilio's additions, every default in English.
    [InlineData("STOP", "OptOut/All/en")]
    [InlineData("QUIT", "OptOut/All/en")]
    [InlineData("END", "OptOut/All/en")]
    [InlineData("REVOKE", "OptOut/All/en")]
    [InlineData("OPT OUT", "OptOut/All/en")]
    [InlineData("OPTOUT", "OptOut/All/en")]
    [InlineData("CANCEL", "OptOut/All/en")]
    [InlineData("UNSUBSCRIBE", "OptOut/All/en")]
    [InlineData("STOPALL", "OptOut/All/en")]
    [InlineData("START", "OptIn/All/en")]
    [InlineData("YES", "OptIn/All/en")]
    [InlineData("UNSTOP", "OptIn/All/en")]
    [InlineData("SUBSCRIBE", "OptIn/All/en")]
    [InlineData("HELP", "Help/All/en")]
    [InlineData("INFO", "Help/All/en")]
    // Case, spacing, punctuation.
    [InlineData("stop", "OptOut/All/en")]
    [InlineData("Stop", "OptOut/All/en")]
    [InlineData("sToP", "OptOut/All/en")]
    [InlineData("  stop  ", "OptOut/All/en")]
    [InlineData("\tSTOP\r\n", "OptOut/All/en")]
    [InlineData("Stop.", "OptOut/All/en")]
    [InlineData("STOP!!!", "OptOut/All/en")]
    [InlineData("stop?", "OptOut/All/en")]
    [InlineData("\"stop\"", "OptOut/All/en")]
    [InlineData("opt-out", "OptOut/All/en")]
    [InlineData("Opt   Out!", "OptOut/All/en")]
    [InlineData("opt_out", "OptOut/All/en")]
    [InlineData("STOP 😡", "OptOut/All/en")]
    // Politeness around a keyword.
    [InlineData("stop please", "OptOut/All/en")]
    [InlineData("Please stop.", "OptOut/All/en")]
    [InlineData("STOP NOW", "OptOut/All/en")]
    [InlineData("unsubscribe, thank you!", "OptOut/All/en")]
    [InlineData("yes please", "OptIn/All/en")]
    // Unicode variants.
    [InlineData("ＳＴＯＰ", "OptOut/All/en")]
    [InlineData("S\u200BTOP", "OptOut/All/en")]
    [InlineData("stop\u00A0", "OptOut/All/en")]
    [InlineData("ARRÊT", "OptOut/All/fr")]
    [InlineData("arret", "OptOut/All/fr")]
    [InlineData("Arre\u0302t", "OptOut/All/fr")]
    // Other languages: Sinch's Spanish and Portuguese defaults.
    [InlineData("DETENER", "OptOut/All/es")]
    [InlineData("salir", "OptOut/All/es")]
    [InlineData("PARAR", "OptOut/All/pt")]
    [InlineData("Cancelar", "OptOut/All/pt")]
    [InlineData("VOLVER", "OptIn/All/es")]
    [InlineData("recibir", "OptIn/All/es")]
    [InlineData("VOLTAR", "OptIn/All/pt")]
    [InlineData("receber", "OptIn/All/pt")]
    [InlineData("detener por favor", "OptOut/All/es")]
    [InlineData("AYUDA", "Help/All/es")]
    // Categories, as Sinch's lists.
    [InlineData("STOP MARKETING", "OptOut/Marketing/en")]
    [InlineData("stop promotions.", "OptOut/Marketing/en")]
    [InlineData("STOP ALERTS", "OptOut/Notification/en")]
    [InlineData("unsubscribe notifications", "OptOut/Notification/en")]
    [InlineData("STOP ALL", "OptOut/All/en")]
    [InlineData("START MARKETING", "OptIn/Marketing/en")]
    [InlineData("DETENER PUBLICIDAD", "OptOut/Marketing/es")]
    // Near-misses that must not opt anyone out.
    [InlineData("STOP this bill", "-")]
    [InlineData("Please don't stop", "-")]
    [InlineData("stop calling me at work, text only", "-")]
    [InlineData("I want to cancel my appointment", "-")]
    [InlineData("stopped", "-")]
    [InlineData("stops", "-")]
    [InlineData("STOPP", "-")]
    [InlineData("S.T.O.P", "-")]
    [InlineData("the end", "-")]
    [InlineData("YES I will be there", "-")]
    [InlineData("HELP MARKETING", "-")]
    [InlineData("MARKETING", "-")]
    [InlineData("please", "-")]
    [InlineData("", "-")]
    [InlineData("   ", "-")]
    [InlineData("!!!", "-")]
    [InlineData("STOP STOP STOP STOP STOP STOP STOP STOP STOP STOP STOP STOP STOP STOP", "-")]
    public void Recognises_whole_message_keywords_only(string text, string expected)
    {
        var match = Defaults.Recognize(text);

        Assert.Equal(expected, match is null ? "-" : $"{match.Action}/{match.Category}/{match.Language}");
    }

    [Fact]
    public void Lists_are_configurable_and_merge_into_the_defaults()
    {
        var options = Bind(new()
        {
            ["Consent:Languages:en:OptOut"] = "STOP,HALT",
            ["Consent:Languages:de:OptOut"] = "STOPP,ABMELDEN",
            ["Consent:Languages:de:OptOutReply"] = "Abgemeldet.",
        });
        var recognizer = new KeywordRecognizer(options);

        Assert.Equal(KeywordAction.OptOut, recognizer.Recognize("halt")?.Action);
        Assert.Null(recognizer.Recognize("QUIT")); // replaced, not appended
        Assert.Equal("de", recognizer.Recognize("Abmelden")?.Language);
        Assert.Equal(KeywordAction.OptIn, recognizer.Recognize("START")?.Action); // untouched defaults stay
        Assert.Equal("Abgemeldet.", options.Reply("de", KeywordAction.OptOut));
        Assert.Equal(new ConsentOptions().Reply("en", KeywordAction.OptIn), options.Reply("de", KeywordAction.OptIn)); // falls back to the default language
    }

    [Fact]
    public void A_keyword_listed_for_two_actions_is_refused_at_start_up()
    {
        var options = Bind(new() { ["Consent:Languages:en:OptIn"] = "START,STOP" });

        var result = new ConsentOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("'STOP'", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new ConsentOptionsValidator().Validate(null, new ConsentOptions()).Succeeded);
    }

    [Theory]
    [InlineData(null, "All")]
    [InlineData("CONTENT_UNKNOWN", "All")]
    [InlineData("CONTENT_MARKETING", "All,Marketing")]
    [InlineData("CONTENT_NOTIFICATION", "All,Notification")]
    public void A_sends_content_type_says_which_opt_outs_stop_it(string? contentType, string blocking) =>
        Assert.Equal(blocking, string.Join(',', ContentTypeCategories.Blocking(contentType)));

    private static ConsentOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new ConsentOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(ConsentOptions.SectionName).Bind(options);
        return options;
    }
}
