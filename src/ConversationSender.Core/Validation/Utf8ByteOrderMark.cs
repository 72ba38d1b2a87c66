namespace ConversationSender.Validation;

/// <summary>
/// RFC 8259 lets a JSON parser ignore a leading UTF-8 byte order mark, and Windows tools (PowerShell 5.1, Notepad)
/// write one: it is dropped wherever a caller's JSON comes in, instead of failing as "not valid JSON".
/// </summary>
public static class Utf8ByteOrderMark
{
    public static BinaryData Strip(BinaryData body) =>
        body.ToMemory().Span.StartsWith("\uFEFF"u8) ? BinaryData.FromBytes(body.ToMemory()[3..]) : body;
}
