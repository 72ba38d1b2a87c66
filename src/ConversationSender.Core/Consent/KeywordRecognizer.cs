using System.Globalization;
using System.Text;

namespace ConversationSender.Consent;

/// <summary>
/// Tells whether an inbound text is, as a whole, an opt-out, opt-in or help keyword. The text is compared after
/// Unicode compatibility normalisation (NFKC: full-width and ligature forms), without accents or invisible
/// characters, in upper case, with punctuation, symbols and emoji read as spaces, runs of spaces as one, and words of
/// politeness before or after it dropped: "Stop.", " stop please ", "ＳＴＯＰ", "Opt-out!" and "arrêt" are keywords;
/// "STOP this bill" and "please don't stop" are not. A keyword may be narrowed by a category word after it ("STOP
/// MARKETING"); STOPALL and "STOP ALL" mean everything.
/// </summary>
public sealed class KeywordRecognizer
{
    // A keyword with its courtesy and category words fits easily; longer texts are messages, not keywords.
    private const int MaxTextLength = 64;

    private readonly Dictionary<string, (KeywordAction Action, string Language)> _keywords = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConsentCategory> _categoryWords = new(StringComparer.Ordinal) { ["ALL"] = ConsentCategory.All };
    private readonly List<string> _courtesyWords = [];
    private readonly List<string> _conflicts = [];

    public KeywordRecognizer(ConsentOptions options)
    {
        // The default language first: a keyword listed in two languages answers in the default one.
        foreach (var (code, language) in options.Languages.OrderBy(l => !string.Equals(l.Key, options.DefaultLanguage, StringComparison.OrdinalIgnoreCase)).ThenBy(l => l.Key, StringComparer.Ordinal))
        {
            Add(language.OptOut, KeywordAction.OptOut, code);
            Add(language.OptIn, KeywordAction.OptIn, code);
            Add(language.Help, KeywordAction.Help, code);
            foreach (var word in Words(language.MarketingWords))
            {
                _categoryWords[word] = ConsentCategory.Marketing;
            }

            foreach (var word in Words(language.NotificationWords))
            {
                _categoryWords[word] = ConsentCategory.Notification;
            }

            _courtesyWords.AddRange(Words(language.CourtesyWords));
        }

        // Longest first, so that "THANK YOU" goes before a shorter word it starts with.
        _courtesyWords.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    /// <summary>Keywords configured for two different actions (a start-up error).</summary>
    public IReadOnlyList<string> Conflicts => _conflicts;

    public KeywordMatch? Recognize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxTextLength)
        {
            return null;
        }

        var phrase = WithoutCourtesy(Normalize(text));
        if (phrase.Length == 0)
        {
            return null;
        }

        if (_keywords.TryGetValue(phrase, out var whole))
        {
            return new KeywordMatch(whole.Action, ConsentCategory.All, whole.Language);
        }

        var lastSpace = phrase.LastIndexOf(' ');
        if (lastSpace > 0
            && _categoryWords.TryGetValue(phrase[(lastSpace + 1)..], out var category)
            && _keywords.TryGetValue(phrase[..lastSpace], out var narrowed)
            && narrowed.Action != KeywordAction.Help)
        {
            return new KeywordMatch(narrowed.Action, category, narrowed.Language);
        }

        return null;
    }

    /// <summary>The form texts and keywords are compared in (see the class summary).</summary>
    public static string Normalize(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormKC).Normalize(NormalizationForm.FormD);
        var normalized = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var c in decomposed)
        {
            var kind = CharUnicodeInfo.GetUnicodeCategory(c);
            if (kind is UnicodeCategory.NonSpacingMark or UnicodeCategory.Format or UnicodeCategory.EnclosingMark)
            {
                continue; // accents, zero-width spaces and joiners
            }

            if (char.IsLetterOrDigit(c) || c is '\'' or '\u2019')
            {
                if (pendingSpace && normalized.Length > 0)
                {
                    normalized.Append(' ');
                }

                pendingSpace = false;
                normalized.Append(c == '\u2019' ? '\'' : char.ToUpperInvariant(c));
            }
            else
            {
                pendingSpace = true;
            }
        }

        return normalized.ToString().Trim('\'');
    }

    private string WithoutCourtesy(string phrase)
    {
        bool changed;
        do
        {
            changed = false;
            foreach (var word in _courtesyWords)
            {
                if (phrase == word)
                {
                    return "";
                }

                if (phrase.StartsWith(word + " ", StringComparison.Ordinal))
                {
                    phrase = phrase[(word.Length + 1)..];
                    changed = true;
                }
                else if (phrase.EndsWith(" " + word, StringComparison.Ordinal))
                {
                    phrase = phrase[..^(word.Length + 1)];
                    changed = true;
                }
            }
        }
        while (changed);

        return phrase;
    }

    private void Add(string keywords, KeywordAction action, string language)
    {
        foreach (var keyword in Words(keywords))
        {
            if (!_keywords.TryAdd(keyword, (action, language)) && _keywords[keyword].Action != action)
            {
                _conflicts.Add($"'{keyword}' is both {_keywords[keyword].Action} ({_keywords[keyword].Language}) and {action} ({language})");
            }
        }
    }

    private static IEnumerable<string> Words(string list) =>
        list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Normalize).Where(w => w.Length > 0);
}
