using ConversationSender.Validation;
using Microsoft.Extensions.Options;

namespace ConversationSender.Consent;

/// <summary>
/// What the operator API does with the suppression list: look up one identity with its history, add or remove an
/// entry (a removal needs a stated reason, kept in the history), import a list. Every entry is checked before anything
/// is written; errors name the field, never its value.
/// </summary>
public sealed class ConsentAdministration(SuppressionList suppressions, IOptions<ConsentOptions> options, TimeProvider time)
{
    public const int MaxReasonLength = 500;
    private const int MaxIdentityLength = 200;
    private const int ImportParallelism = 8;

    public bool Enabled => suppressions.Enabled;

    /// <summary>The entry's subject and category, or what is wrong with it (fields prefixed with <paramref name="prefix"/>).</summary>
    public (ConsentSubject Subject, ConsentCategory Category, List<FieldError> Errors) Resolve(ConsentEntry entry, bool reasonRequired, string prefix = "")
    {
        var errors = new List<FieldError>();
        var channel = ConversationChannels.Normalize(entry.Channel);
        var hasIdentity = !string.IsNullOrWhiteSpace(entry.Identity);
        var hasContact = !string.IsNullOrWhiteSpace(entry.ContactId);
        if (hasIdentity == hasContact)
        {
            errors.Add(new FieldError(prefix + "identity", "give either channel and identity, or contact_id"));
        }
        else if (hasIdentity && channel is null)
        {
            errors.Add(new FieldError(prefix + "channel", entry.Channel is null ? "is required with identity" : "unknown channel; expected " + ConversationChannels.Expected(errors)));
        }
        else if ((entry.Identity ?? entry.ContactId)!.Length > MaxIdentityLength)
        {
            errors.Add(new FieldError(prefix + (hasIdentity ? "identity" : "contact_id"), $"is longer than {MaxIdentityLength} characters"));
        }

        if (!ContentTypeCategories.TryParse(entry.Category, out var category))
        {
            errors.Add(new FieldError(prefix + "category", "must be all, marketing or notification"));
        }

        if (reasonRequired && string.IsNullOrWhiteSpace(entry.Reason))
        {
            errors.Add(new FieldError(prefix + "reason", "is required: say why the entry is removed (it is kept in the history)"));
        }
        else if (entry.Reason?.Length > MaxReasonLength)
        {
            errors.Add(new FieldError(prefix + "reason", $"is longer than {MaxReasonLength} characters"));
        }

        var subject = errors.Count > 0 ? default
            : hasIdentity ? ConsentSubject.For(channel!, entry.Identity!, options.Value)
            : ConsentSubject.Contact(entry.ContactId!);
        return (subject, category, errors);
    }

    public Task<ConsentRecord?> LookupAsync(ConsentSubject subject, CancellationToken cancellationToken) =>
        suppressions.LookupAsync(subject, cancellationToken);

    public Task<ConsentApplyResult> ChangeAsync(ConsentSubject subject, ConsentAction action, ConsentCategory category, string? channel, string? reason, CancellationToken cancellationToken) =>
        suppressions.ApplyAsync(subject, new ConsentChange(action, category, ConsentSource.Operator, time.GetUtcNow(), Reference: null, channel, reason), cancellationToken);

    /// <summary>Opts every entry out (checked first: one wrong entry imports nothing).</summary>
    public async Task<(ConsentImportResult? Result, List<FieldError> Errors)> ImportAsync(IReadOnlyList<ConsentEntry> entries, string? reason, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (entries.Count == 0 || entries.Count > options.Value.MaxImportEntries)
        {
            errors.Add(new FieldError("entries", $"must hold 1 to {options.Value.MaxImportEntries} entries (Consent:MaxImportEntries); split a longer list"));
            return (null, errors);
        }

        var resolved = new List<(ConsentSubject Subject, ConsentCategory Category, string? Channel)>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var (subject, category, entryErrors) = Resolve(entries[i], reasonRequired: false, $"entries[{i}].");
            errors.AddRange(entryErrors);
            resolved.Add((subject, category, ConversationChannels.Normalize(entries[i].Channel)));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        int added = 0, already = 0;
        var at = time.GetUtcNow();
        await Parallel.ForEachAsync(resolved, new ParallelOptions { MaxDegreeOfParallelism = ImportParallelism, CancellationToken = cancellationToken }, async (entry, token) =>
        {
            var result = await suppressions.ApplyAsync(entry.Subject, new ConsentChange(ConsentAction.OptOut, entry.Category, ConsentSource.Operator, at, null, entry.Channel, reason ?? "import"), token);
            Interlocked.Increment(ref result.Changed ? ref added : ref already);
        });
        return (new ConsentImportResult(added, already), errors);
    }
}
