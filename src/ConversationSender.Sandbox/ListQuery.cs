using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace ConversationSender.Sandbox;

/// <summary>The query of <c>GET …/messages</c> (API reference §8.1), read and checked as Sinch checks it.</summary>
internal sealed record ListQuery(IQueryCollection Query, int PageSize, int Offset, bool WithMetadata, bool? OnlyRecipientOriginated)
{
    private static readonly string[] Directions = ["TO_APP", "TO_CONTACT", "UNDEFINED_DIRECTION"];
    private static readonly string[] Sources = ["CONVERSATION_SOURCE", "DISPATCH_SOURCE"];
    private static readonly string[] Views = ["WITH_METADATA", "WITHOUT_METADATA"];

    public static ListQuery? Read(IQueryCollection query) => Problem(query).Length > 0 ? null : new ListQuery(
        query,
        Given(query["page_size"]) ? int.Parse(query["page_size"]!, CultureInfo.InvariantCulture) : 10,
        Given(query["page_token"]) ? int.Parse(query["page_token"]!, CultureInfo.InvariantCulture) : 0,
        query["view"] != "WITHOUT_METADATA",
        Given(query["only_recipient_originated"]) ? bool.Parse(query["only_recipient_originated"]!) : null);

    /// <summary>What is wrong with the query; empty when nothing is.</summary>
    public static string Problem(IQueryCollection query)
    {
        if (Given(query["page_size"]) && !(int.TryParse(query["page_size"], CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= 1000))
        {
            return "page_size must be between 1 and 1000.";
        }

        if (Given(query["page_token"]) && !(int.TryParse(query["page_token"], CultureInfo.InvariantCulture, out var offset) && offset >= 0))
        {
            return "page_token is not a token this list gave.";
        }

        foreach (var (name, allowed) in new[] { ("direction", Directions), ("messages_source", Sources), ("view", Views) })
        {
            if (Given(query[name]) && !allowed.Contains(query[name].ToString()))
            {
                return $"{name} must be one of {string.Join(", ", allowed)}.";
            }
        }

        if (Given(query["only_recipient_originated"]) && !bool.TryParse(query["only_recipient_originated"], out _))
        {
            return "only_recipient_originated must be true or false.";
        }

        foreach (var name in new[] { "start_time", "end_time" })
        {
            if (Given(query[name]) && !DateTimeOffset.TryParse(query[name], CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                return $"{name} must be an RFC 3339 timestamp.";
            }
        }

        return "";
    }

    public bool Matches(ListedMessage m, bool bySource) =>
        Is("app_id", m.AppId) && Is("channel", m.Channel) && Is("channel_identity", m.Identity) && Is("contact_id", m.ContactId)
        && Is("conversation_id", m.ConversationId)
        && (!Given(Query["direction"]) || Query["direction"] == "UNDEFINED_DIRECTION" || Query["direction"] == m.Direction)
        && (OnlyRecipientOriginated != true || m.Direction == "TO_APP")
        && (!bySource || (Given(Query["messages_source"]) ? Query["messages_source"].ToString() : "CONVERSATION_SOURCE") == m.ProcessingMode + "_SOURCE")
        && (Time("start_time") is not { } start || m.AcceptTime >= start)
        && (Time("end_time") is not { } end || m.AcceptTime <= end);

    private bool Is(string name, string? value) => !Given(Query[name]) || Query[name] == value;

    private DateTimeOffset? Time(string name) =>
        DateTimeOffset.TryParse(Query[name], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;

    private static bool Given(StringValues value) => !StringValues.IsNullOrEmpty(value);
}
