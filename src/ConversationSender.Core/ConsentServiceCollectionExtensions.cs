using ConversationSender.Callbacks;
using ConversationSender.Consent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ConversationSender;

public static class ConsentServiceCollectionExtensions
{
    /// <summary>The suppression list, the keyword recognizer, the callback handler, the operator's administration and their options (validated at start-up); part of <c>AddConversationSender</c>.</summary>
    public static IServiceCollection AddConsent(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConsentOptions>().Bind(configuration.GetSection(ConsentOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsentOptions>, ConsentOptionsValidator>());
        services.TryAddSingleton(sp => new KeywordRecognizer(sp.GetRequiredService<IOptions<ConsentOptions>>().Value));
        services.TryAddSingleton<SuppressionList>();
        services.TryAddSingleton<RecipientFilter>();
        services.TryAddSingleton<ConsentAdministration>();
        services.TryAddSingleton<ConsentCallbackHandler>();
        return services;
    }
}
