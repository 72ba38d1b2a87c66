using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ConversationSender.Storage;
using Microsoft.Extensions.Options;

namespace ConversationSender.Consent;

/// <summary>
/// Who opted out of what, in a table of the send queue's storage account. One partition per subject (a hash of scope
/// and identity) holds a <c>state</c> row (one column set per category: since, source, channel), an append-only
/// <c>history|…</c> row per change asked for, and an <c>event|…</c> row per reference seen (an inbound message id or
/// Sinch's request_id), written in one transaction with the change, so a redelivered event changes nothing twice.
/// Nothing is cached: a send reads the state row (one point read per identity), so a change is in effect on every
/// instance as soon as its transaction commits.
/// </summary>
public sealed class SuppressionList(StorageClientFactory storage, IOptions<ConsentOptions> options)
{
    private const string StateRow = "state";
    private const string HistoryPrefix = "history|";
    private const string EventPrefix = "event|";
    private static readonly ConsentCategory[] Categories = [ConsentCategory.All, ConsentCategory.Marketing, ConsentCategory.Notification];

    public bool Enabled => options.Value.Enabled && storage.IsConfigured;

    /// <summary>Applies an opt-out or opt-in once per reference; every call that is not a duplicate adds a history row.</summary>
    public async Task<ConsentApplyResult> ApplyAsync(ConsentSubject subject, ConsentChange change, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var partition = subject.PartitionKey;
        for (var attempt = 0; ; attempt++)
        {
            var current = await table.GetEntityIfExistsAsync<TableEntity>(partition, StateRow, cancellationToken: cancellationToken);
            var state = current.HasValue ? current.Value! : new TableEntity(partition, StateRow) { ["Scope"] = subject.Scope, ["Identity"] = subject.Key };
            var changed = Change(state, change);

            var actions = new List<TableTransactionAction>(3);
            if (changed)
            {
                actions.Add(current.HasValue
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, state, state.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, state));
            }

            var eventIndex = -1;
            if (change.Reference is { Length: > 0 } reference)
            {
                eventIndex = actions.Count;
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, EventPrefix + ConsentSubject.Hash(reference))
                {
                    ["Changed"] = changed,
                    ["At"] = change.At,
                }));
            }

            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, HistoryRow(partition, change, changed)));
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return new ConsentApplyResult(changed, Duplicate: false);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409 && ex.FailedTransactionActionIndex == eventIndex)
            {
                var seen = await table.GetEntityIfExistsAsync<TableEntity>(partition, (string)actions[eventIndex].Entity.RowKey, cancellationToken: cancellationToken);
                return new ConsentApplyResult(seen.HasValue && seen.Value!.GetBoolean("Changed") == true, Duplicate: true);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < 5)
            {
                // Another change to the same subject committed between our read and write: read again.
            }
        }
    }

    /// <summary>The subject's active suppressions (empty: none), from one point read.</summary>
    public async Task<IReadOnlyList<Suppression>> FindAsync(ConsentSubject subject, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var state = await table.GetEntityIfExistsAsync<TableEntity>(subject.PartitionKey, StateRow, cancellationToken: cancellationToken);
        return state.HasValue ? Active(state.Value!) : [];
    }

    /// <summary>The subject's suppressions and whole history; null when the list has never heard of it.</summary>
    public async Task<ConsentRecord?> LookupAsync(ConsentSubject subject, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var partition = subject.PartitionKey;
        List<Suppression> active = [];
        var history = new List<ConsentHistoryEntry>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            if (row.RowKey == StateRow)
            {
                active = Active(row);
            }
            else if (row.RowKey.StartsWith(HistoryPrefix, StringComparison.Ordinal))
            {
                history.Add(new ConsentHistoryEntry(
                    row.GetDateTimeOffset("At") ?? default,
                    Enum.Parse<ConsentAction>(row.GetString("Action")),
                    Enum.Parse<ConsentCategory>(row.GetString("Category")),
                    Enum.Parse<ConsentSource>(row.GetString("Source")),
                    row.GetString("Reference"),
                    row.GetString("Channel"),
                    row.GetString("Reason"),
                    row.GetBoolean("Changed") == true));
            }
        }

        return active.Count == 0 && history.Count == 0 ? null : new ConsentRecord(subject, active, history);
    }

    private static bool Change(TableEntity state, ConsentChange change)
    {
        if (change.Action == ConsentAction.OptOut)
        {
            if (state.GetDateTimeOffset(change.Category + "Since") is not null)
            {
                return false;
            }

            state[change.Category + "Since"] = change.At;
            state[change.Category + "Source"] = change.Source.ToString();
            state[change.Category + "Channel"] = change.Channel;
            return true;
        }

        // START (all) takes back every opt-out; START MARKETING only that one.
        var changed = false;
        foreach (var category in change.Category == ConsentCategory.All ? Categories : [change.Category])
        {
            changed |= state.Remove(category + "Since");
            state.Remove(category + "Source");
            state.Remove(category + "Channel");
        }

        return changed;
    }

    private static List<Suppression> Active(TableEntity state) =>
        [.. Categories
            .Where(c => state.GetDateTimeOffset(c + "Since") is not null)
            .Select(c => new Suppression(
                c,
                state.GetDateTimeOffset(c + "Since")!.Value,
                Enum.TryParse<ConsentSource>(state.GetString(c + "Source"), out var source) ? source : ConsentSource.Operator,
                state.GetString(c + "Channel")))];

    // Ordered by time; the suffix keeps two changes in the same tick apart.
    private static TableEntity HistoryRow(string partition, ConsentChange change, bool changed) =>
        new(partition, $"{HistoryPrefix}{change.At.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}|{Guid.NewGuid():N}")
        {
            ["At"] = change.At,
            ["Action"] = change.Action.ToString(),
            ["Category"] = change.Category.ToString(),
            ["Source"] = change.Source.ToString(),
            ["Reference"] = change.Reference,
            ["Channel"] = change.Channel,
            ["Reason"] = change.Reason,
            ["Changed"] = changed,
        };

    private ValueTask<TableClient> TableAsync(CancellationToken cancellationToken) => storage.GetTableAsync(options.Value.TableName, cancellationToken);
}
