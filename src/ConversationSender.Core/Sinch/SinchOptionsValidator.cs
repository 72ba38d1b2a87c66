using Microsoft.Extensions.Options;

namespace ConversationSender.Sinch;

/// <summary>The cross-field rules data annotations cannot express.</summary>
internal sealed class SinchOptionsValidator : IValidateOptions<SinchOptions>
{
    public ValidateOptionsResult Validate(string? name, SinchOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConversationBaseUrl)
            && !SinchOptions.Regions.Contains(options.Region?.ToLowerInvariant()))
        {
            failures.Add($"Sinch:Region must be one of {string.Join(", ", SinchOptions.Regions)} (was '{options.Region}').");
        }

        if (!string.IsNullOrWhiteSpace(options.ConversationBaseUrl) && !IsHttpUrl(options.ConversationBaseUrl))
        {
            failures.Add("Sinch:ConversationBaseUrl must be an absolute http(s) URL.");
        }

        if (!IsHttpUrl(options.AuthBaseUrl))
        {
            failures.Add("Sinch:AuthBaseUrl must be an absolute http(s) URL.");
        }

        if (options.TotalTimeout < options.AttemptTimeout)
        {
            failures.Add("Sinch:TotalTimeout must be at least Sinch:AttemptTimeout.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
