using Microsoft.Extensions.Options;

namespace ConversationSender.Consent;

/// <summary>Refuses at start-up a keyword listed for two actions, and a default language with no entry.</summary>
public sealed class ConsentOptionsValidator : IValidateOptions<ConsentOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsentOptions options)
    {
        var failures = new KeywordRecognizer(options).Conflicts.Select(c => $"Consent:Languages: {c}; list it once.").ToList();
        if (!options.Languages.ContainsKey(options.DefaultLanguage))
        {
            failures.Add($"Consent:DefaultLanguage '{options.DefaultLanguage}' has no Consent:Languages entry.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
