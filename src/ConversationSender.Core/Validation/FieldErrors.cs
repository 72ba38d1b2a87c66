using System.Collections.ObjectModel;

namespace ConversationSender.Validation;

/// <summary>
/// The problems found in one message, bounded: at most <see cref="MaxListed"/> are kept (the rest only counted), and
/// field paths that quote the caller's own names are cut short, so that no input can make an answer or a dead-letter
/// entry grow with it.
/// </summary>
public sealed class FieldErrors : Collection<FieldError>
{
    public const int MaxListed = 50;

    // Paths of unknown fields and channel properties carry the caller's key names.
    private const int MaxFieldLength = 100;

    /// <summary>Problems found but not kept.</summary>
    public int NotListed { get; private set; }

    /// <summary>What is kept, plus one line saying how many more there were.</summary>
    public IReadOnlyList<FieldError> ToReport() =>
        NotListed == 0 ? [.. this] : [.. this, new FieldError("$", $"{NotListed} more problems not listed; fix these first")];

    protected override void InsertItem(int index, FieldError item)
    {
        if (Count >= MaxListed)
        {
            NotListed++;
            return;
        }

        base.InsertItem(index, item.Field.Length <= MaxFieldLength ? item : item with { Field = item.Field[..MaxFieldLength] + "…" });
    }
}
