using ConversationSender.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.RateLimiting;

public static class RateBudgetServiceCollectionExtensions
{
    /// <summary>
    /// The fleet budget: its options (validated at start-up), this instance's <see cref="SendBudget"/>, its
    /// <see cref="FleetShare"/> over the lease store <paramref name="store"/> builds, and the loop that rebalances it.
    /// </summary>
    public static IServiceCollection AddRateBudget(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, IRateBudgetStore> store)
    {
        services.AddOptions<RateBudgetOptions>().Bind(configuration.GetSection(RateBudgetOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateBudgetOptions>, RateBudgetOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RateBudgetMetrics>();
        services.TryAddSingleton(store);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RateBudgetOptions>>().Value;
            var budget = new SendBudget(sp.GetRequiredService<TimeProvider>(), options.RequestsPerSecondBudget, options.AdaptOnThrottling, sp.GetRequiredService<RateBudgetMetrics>());

            // Until the first read of the leases (or without the loop that reads them): the share that is safe
            // whatever the others do. Newcomers sending at it fit in the partitions kept in reserve.
            budget.Start(options.StaticShare);
            return budget;
        });
        services.TryAddSingleton(sp => new FleetShare(
            sp.GetRequiredService<IRateBudgetStore>(),
            sp.GetRequiredService<SendBudget>(),
            sp.GetRequiredService<IOptions<RateBudgetOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FleetShare>>(),
            sp.GetRequiredService<RateBudgetMetrics>()));
        services.AddHostedService<FleetShareService>();
        return services;
    }
}
