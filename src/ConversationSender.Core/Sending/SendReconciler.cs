using System.Text.Json;
using System.Text.Json.Nodes;
using ConversationSender.Sinch;
using Microsoft.Extensions.Options;

namespace ConversationSender.Sending;

/// <summary>
/// Finds out whether Sinch took a message whose send ended ambiguously, by looking for it in Sinch's message list:
/// same channel identity, accepted within the attempt's time window, and the sender's marker in its metadata (or,
/// when the caller set its own metadata, the same content).
/// </summary>
public sealed class SendReconciler(ConversationClient client, IOptions<SinchOptions> options)
{
    // Clocks differ: Sinch's accept time may fall a little outside our view of the attempt.
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(1);

    public abstract record Result
    {
        private Result()
        {
        }

        public sealed record Found(string MessageId, DateTimeOffset AcceptTime) : Result;

        public sealed record NotFound : Result;

        public sealed record Unavailable(string Reason) : Result;
    }

    public async Task<Result> FindAsync(SendMessageRequest request, DateTimeOffset attemptStart, DateTimeOffset attemptEnd, CancellationToken cancellationToken)
    {
        var identity = request.Recipient?.IdentifiedBy?.ChannelIdentities?.FirstOrDefault()?.Identity;
        if (identity is null)
        {
            return new Result.Unavailable("the message is addressed by contact id, which the message list cannot be searched by here");
        }

        var wanted = JsonSerializer.SerializeToNode(request.Message, SinchJsonContext.Default.AppMessage);
        string? token = null;
        try
        {
            do
            {
                var page = await client.ListMessagesAsync(identity, attemptStart - ClockSlack, attemptEnd + ClockSlack, token, options.Value.MessagesSource, cancellationToken);
                foreach (var listed in page.Messages ?? [])
                {
                    var sameMarker = request.MessageMetadata is { Length: > 0 } marker && listed.Metadata == marker;
                    var sameContent = listed.AppMessage is { } content && JsonNode.DeepEquals(JsonNode.Parse(content.GetRawText()), wanted);
                    if (listed.Id is { Length: > 0 } id && sameMarker && sameContent)
                    {
                        return new Result.Found(id, listed.AcceptTime ?? attemptEnd);
                    }
                }

                token = page.NextPageToken;
            }
            while (!string.IsNullOrEmpty(token));
        }
        catch (SinchApiException ex)
        {
            return new Result.Unavailable(ex.Message);
        }

        return new Result.NotFound();
    }
}
