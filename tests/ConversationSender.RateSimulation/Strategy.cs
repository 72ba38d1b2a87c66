namespace ConversationSender.RateSimulation;

/// <summary>How instances limit themselves.</summary>
public enum Strategy
{
    /// <summary>Today: each instance at a fixed share (budget ÷ max instances), no reaction to 429.</summary>
    StaticShare,

    /// <summary>Each instance may use the whole budget, cut by CUBIC on 429 (the AWS SDKs' adaptive mode), no coordination.</summary>
    AdaptiveAlone,

    /// <summary>The chosen design: a fair share of leased partitions of the budget, plus the CUBIC cut on 429.</summary>
    FleetLeases,
}
