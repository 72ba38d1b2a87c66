namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>
/// The fault run loads both cores for most of a minute: it runs alone, so timing-sensitive tests elsewhere do not
/// starve.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultInjectionCollection
{
    public const string Name = "Fault injection (alone)";
}
