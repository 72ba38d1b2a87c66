using System.Globalization;
using System.Text.Json;

namespace ConversationSender.Validation;

/// <summary>
/// A <c>contact_info_message</c>: a vCard-like contact with its name, numbers, addresses, e-mail addresses,
/// organisation and web sites. Every field Sinch types is checked for its JSON type, which Sinch's decoding refuses
/// otherwise; the field names follow Sinch's Node SDK (<c>ContactInfoMessageItem</c>).
/// </summary>
internal static class ContactInfoValidator
{
    public static void ContactInfo(JsonElement value, string path, JsonFieldChecker check)
    {
        if (check.Object(value, "name", path, required: true) is { } name)
        {
            check.String(name, "full_name", $"{path}.name", required: true);
            check.Strings(name, $"{path}.name", "first_name", "last_name", "middle_name", "prefix", "suffix");
        }

        foreach (var (phone, at) in check.Objects(value, "phone_numbers", path, required: true, minItems: 1))
        {
            check.String(phone, "phone_number", at, required: true);
            check.Strings(phone, at, "type");
        }

        foreach (var (address, at) in check.Objects(value, "addresses", path, required: false))
        {
            check.Strings(address, at, "city", "country", "state", "zip", "type", "country_code");
        }

        foreach (var (email, at) in check.Objects(value, "email_addresses", path, required: false))
        {
            check.String(email, "email_address", at, required: true);
            check.Strings(email, at, "type");
        }

        if (check.Object(value, "organization", path) is { } organization)
        {
            check.Strings(organization, $"{path}.organization", "company", "department", "title");
        }

        foreach (var (url, at) in check.Objects(value, "urls", path, required: false))
        {
            check.Url(url, "url", at, required: true);
            check.Strings(url, at, "type");
        }

        if (check.String(value, "birthday", path, required: false) is { } birthday
            && !DateOnly.TryParseExact(birthday, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            check.Add($"{path}.birthday", "must be a date written YYYY-MM-DD");
        }
    }
}
