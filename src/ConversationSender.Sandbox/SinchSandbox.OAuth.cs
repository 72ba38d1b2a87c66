using System.Text;
using System.Text.Json.Nodes;

namespace ConversationSender.Sandbox;

// The OAuth2 token endpoint and the two ways a request authenticates (a bearer token it issued, or Basic with the key).
public sealed partial class SinchSandbox
{
    private void MapOAuthRoutes()
    {
        _app.MapPost("/oauth2/token", IssueTokenAsync);
    }

    private async Task IssueTokenAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context.Request);
        Record(context.Request, body);
        if (TokenEndpointRateLimited)
        {
            InjectedFaults.AddOrUpdate(SinchFault.RateLimitedWithoutRetryAfter, 1, (_, n) => n + 1);
            context.Response.StatusCode = 429;
            return;
        }

        if (context.Request.Headers.Authorization != BasicValue() || body != "grant_type=client_credentials")
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = "invalid_client", ["error_description"] = "Client authentication failed" });
            return;
        }

        var token = "sandbox-token-" + Guid.NewGuid().ToString("N");
        _issuedTokens[token] = true;
        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["access_token"] = token,
            ["expires_in"] = Options.TokenLifetimeSeconds,
            ["scope"] = "",
            ["token_type"] = "bearer",
        });
    }

    private async Task<bool> AuthenticateAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            if (!_issuedTokens.TryGetValue(authorization["Bearer ".Length..], out var valid))
            {
                await UnauthorizedAsync(context, "Bearer error=\"invalid_token\"");
                return false;
            }

            if (!valid)
            {
                await UnauthorizedAsync(context, "Bearer error=\"invalid_token\", error_description=\"token expired\"");
                return false;
            }

            return true;
        }

        if (authorization != BasicValue())
        {
            await UnauthorizedAsync(context, "Basic realm=\"sinch\"");
            return false;
        }

        return true;
    }

    private static async Task UnauthorizedAsync(HttpContext context, string challenge)
    {
        context.Response.StatusCode = 401;
        context.Response.Headers.WWWAuthenticate = challenge;
        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = 401, ["message"] = "Request had invalid authentication credentials.", ["status"] = "UNAUTHENTICATED" },
        });
    }

    private string BasicValue() => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Options.KeyId}:{Options.KeySecret}"));
}
