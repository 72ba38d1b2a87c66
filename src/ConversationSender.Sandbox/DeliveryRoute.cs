using System.Text.Json;

namespace ConversationSender.Sandbox;

/// <summary>One channel a message is tried on, and the identity it goes to there.</summary>
public sealed record RoutedIdentity(string Channel, string Identity);

/// <summary>
/// Who a send reaches and over which channels, in the order Sinch tries them: <c>channel_priority_order</c> when
/// given, else the order of the recipient's channel identities (a contact without one: SMS). In CONVERSATION mode
/// the recipient is a contact with a conversation; in DISPATCH mode there are neither.
/// </summary>
public sealed record DeliveryRoute(string ContactId, string ConversationId, IReadOnlyList<RoutedIdentity> Hops)
{
    internal static DeliveryRoute Of(JsonElement body, SandboxOptions options, ContactBook contacts)
    {
        var recipient = Property(body, "recipient");
        var identities = Property(Property(recipient, "identified_by"), "channel_identities") is { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray().Select(i => new RoutedIdentity(Text(i, "channel"), Text(i, "identity"))).Where(i => i.Channel.Length > 0).ToList()
            : [];
        var conversationMode = options.ProcessingMode == SandboxOptions.ConversationMode;
        var contact = Text(recipient, "contact_id") is { Length: > 0 } given ? given
            : conversationMode && identities.Count > 0 ? contacts.ContactOf(identities[0].Channel, identities[0].Identity)
            : "";
        var order = Property(body, "channel_priority_order") is { ValueKind: JsonValueKind.Array } priority
            ? [.. priority.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!)]
            : identities.Count > 0 ? identities.Select(i => i.Channel).Distinct().ToList() : new List<string> { "SMS" };
        var hops = new List<RoutedIdentity>();
        foreach (var channel in order)
        {
            if (identities.FirstOrDefault(i => i.Channel == channel) is { } identity)
            {
                hops.Add(identity);
            }
            else if (contact.Length > 0 && conversationMode)
            {
                hops.Add(new RoutedIdentity(channel, contacts.IdentityOf(contact, channel)));
            }
        }

        return new DeliveryRoute(contact, contact.Length > 0 && conversationMode ? contacts.ConversationOf(contact) : "", hops.Count > 0 ? hops : identities);
    }

    private static JsonElement Property(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) ? value : default;

    private static string Text(JsonElement parent, string name) =>
        Property(parent, name) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : "";
}
