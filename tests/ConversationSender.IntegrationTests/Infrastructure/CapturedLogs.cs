using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ConversationSender.IntegrationTests.Infrastructure;

/// <summary>Every log line the app writes, with its scopes and exception, to check that nothing sensitive leaks.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLine> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<CapturedLine> Entries => [.. _lines];

    public IReadOnlyList<string> Lines => [.. _lines.Select(l => l.ToString())];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    public sealed record CapturedLine(LogLevel Level, string Category, string Message, IReadOnlyDictionary<string, object?> Scope, string? Exception)
    {
        public override string ToString() =>
            $"{Level} {Category}: {Message} [{string.Join(", ", Scope.Select(p => $"{p.Key}={p.Value}"))}] {Exception}";
    }

    private sealed class Logger(string category, CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>();
            owner._scopes.ForEachScope((value, target) =>
            {
                if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, item) in pairs)
                    {
                        target[key] = item;
                    }
                }
            }, scope);
            owner._lines.Enqueue(new CapturedLine(logLevel, category, formatter(state, exception), scope, exception?.ToString()));
        }
    }
}
