using System.Text.Json.Nodes;
using ConversationSender.Consent;

namespace ConversationSender.Callbacks;

/// <summary>What was done with a keyword or a Sinch OPT_OUT / OPT_IN: the flag a forwarded callback carries.</summary>
/// <param name="Result">opted_out, already_opted_out, opted_in, was_not_opted_out, help, duplicate, ignored (an OPT_… not SUCCEEDED).</param>
/// <param name="Reply">sent, already_sent (a redelivery), off, none (nothing to reply), not_sent (Sinch refused it).</param>
public sealed record ConsentHandling(string Keyword, ConsentCategory Category, string Result, string Reply)
{
    public JsonObject ToJson() => new()
    {
        ["keyword"] = Keyword,
        ["category"] = ContentTypeCategories.Name(Category),
        ["result"] = Result,
        ["reply"] = Reply,
    };
}
