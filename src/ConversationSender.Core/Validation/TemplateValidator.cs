using System.Text.Json;

namespace ConversationSender.Validation;

/// <summary>Template messages: an omni template, per-channel templates, and the references they hold.</summary>
internal static class TemplateValidator
{
    public static void Template(JsonElement value, string path, JsonFieldChecker check)
    {
        var omni = check.Object(value, "omni_template", path);
        var byChannel = check.Object(value, "channel_template", path);
        if (!JsonFieldChecker.TryGet(value, "omni_template", out _) && !JsonFieldChecker.TryGet(value, "channel_template", out _))
        {
            check.Add(path, "must have omni_template, channel_template or both");
        }

        if (omni is { } o)
        {
            // Omni templates are versioned; WhatsApp-style channel templates are referenced by name alone.
            TemplateReference(o, $"{path}.omni_template", check, versionRequired: true);
        }

        if (byChannel is { } channels)
        {
            foreach (var entry in channels.EnumerateObject())
            {
                var field = $"{path}.channel_template.{entry.Name}";
                AppMessageValidator.KnownChannelKey(entry.Name, field, check);
                if (check.IsObject(entry.Value, field))
                {
                    TemplateReference(entry.Value, field, check, versionRequired: false);
                }
            }
        }
    }

    public static void TemplateReference(JsonElement value, string path, JsonFieldChecker check, bool versionRequired)
    {
        check.String(value, "template_id", path, required: true);
        check.String(value, "version", path, required: versionRequired);
        check.String(value, "language_code", path, required: false);
        if (check.Object(value, "parameters", path) is { } parameters)
        {
            foreach (var parameter in parameters.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.String))
            {
                check.Add($"{path}.parameters.{parameter.Name}", "must be a string");
            }
        }
    }
}
