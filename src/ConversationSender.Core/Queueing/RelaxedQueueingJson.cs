using System.Text.Encodings.Web;
using System.Text.Json;

namespace ConversationSender.Queueing;

/// <summary>
/// What this app writes to its queues: a message inside stays readable and small (no <c>\u0022</c> for every
/// quote); they are read by this app and by operators, never embedded in HTML.
/// </summary>
internal static class RelaxedQueueingJson
{
    public static QueueingJsonContext Context { get; } = new(new JsonSerializerOptions(QueueingJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
