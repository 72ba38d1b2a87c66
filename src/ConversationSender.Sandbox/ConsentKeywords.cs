namespace ConversationSender.Sandbox;

/// <summary>
/// The keywords Sinch's consent management reads in a recipient's whole message (its defaults: STOP / UNSUBSCRIBE,
/// DETENER / SALIR, PARAR / CANCELAR, and START / SUBSCRIBE, VOLVER / RECIBIR, VOLTAR / RECEBER), case-insensitive,
/// with surrounding spaces and trailing punctuation ignored. Deliberately Sinch's list, not the product's wider one:
/// the page shows what Sinch would know.
/// </summary>
internal sealed class ConsentKeywords(string optOut, string optIn)
{
    private readonly HashSet<string> _optOut = Split(optOut);
    private readonly HashSet<string> _optIn = Split(optIn);

    /// <returns>True for an opt-out keyword, false for an opt-in keyword, null for any other text.</returns>
    public bool? OptsOut(string? text)
    {
        var word = Normalise(text ?? "");
        return _optOut.Contains(word) ? true : _optIn.Contains(word) ? false : null;
    }

    /// <summary>The keyword as the recipient's message names it (for the page), e.g. <c>STOP</c>.</summary>
    public static string Normalise(string text) => text.Trim().TrimEnd('.', '!', '?', ',', ';', ':').Trim().ToUpperInvariant();

    private static HashSet<string> Split(string list) =>
        new(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(k => k.ToUpperInvariant()), StringComparer.Ordinal);
}
