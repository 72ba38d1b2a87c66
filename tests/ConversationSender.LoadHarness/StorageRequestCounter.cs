using Azure.Core;
using Azure.Core.Pipeline;

/// <summary>Counts the storage requests the product's Azure clients send, on the wire: table writes and reads, queue requests.</summary>
internal sealed class StorageRequestCounter : HttpPipelinePolicy
{
    private int _tableWrites;
    private int _tableReads;
    private int _queueRequests;

    public int TableWrites => _tableWrites;

    public int TableReads => _tableReads;

    public int QueueRequests => _queueRequests;

    public void Reset()
    {
        _tableWrites = 0;
        _tableReads = 0;
        _queueRequests = 0;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        return ProcessNextAsync(message, pipeline);
    }

    // A table request carries DataServiceVersion; the vault's (also an Azure client) are left out by path.
    private void Record(HttpMessage message)
    {
        var uri = message.Request.Uri.ToUri();
        if (uri.AbsolutePath.StartsWith("/secrets", StringComparison.Ordinal))
        {
            return;
        }

        if (!message.Request.Headers.Contains("DataServiceVersion"))
        {
            Interlocked.Increment(ref _queueRequests);
        }
        else if (message.Request.Method == RequestMethod.Get)
        {
            Interlocked.Increment(ref _tableReads);
        }
        else
        {
            Interlocked.Increment(ref _tableWrites);
        }
    }
}
