using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace ConversationSender.Sandbox;

// The OAuth2 token endpoint and the two ways a request authenticates (a bearer token it issued, or Basic with the key).
public sealed partial class SinchSandbox
{
    private void MapOAuthRoutes()
    {
        _app.MapPost("/oauth2/token", IssueTokenAsync);

        // A key rotated in Sinch's dashboard: the new secret is accepted from now on, and every token issued so far is
        // revoked (a plain 401 invalid_token, with no word of expiry).
        _app.MapPost("/api/key", (KeyRotation rotation) =>
        {
            if (string.IsNullOrWhiteSpace(rotation.KeySecret))
            {
                return Results.BadRequest("Send { \"key_secret\": \"…\" }.");
            }

            KeySecret = rotation.KeySecret;
            RevokeIssuedTokens();
            return Results.NoContent();
        });
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

        if (context.Request.Headers.Authorization != BasicValue())
        {
            await SinchWire.WriteAsync(context, new JsonObject { ["error"] = "invalid_client", ["error_description"] = "Client authentication failed" }, 401);
            return;
        }

        // A form as OAuth2 reads it (RFC 6749 §4.4): grant_type decides; other fields (scope=…) are not an error.
        if (QueryHelpers.ParseQuery(body).TryGetValue("grant_type", out var grant) is var given && grant.ToString() != "client_credentials")
        {
            await SinchWire.WriteAsync(context, new JsonObject
            {
                ["error"] = given ? "unsupported_grant_type" : "invalid_request",
                ["error_description"] = given ? $"The grant type '{grant}' is not supported: use client_credentials." : "grant_type is required.",
            }, 400);
            return;
        }

        var token = SandboxToken.Issue(BaseUrl.ToString(), Options.KeyId, Options.KeySecret, DateTimeOffset.UtcNow, Options.TokenLifetimeSeconds);
        _issuedTokens[token] = true;
        await SinchWire.WriteAsync(context, new JsonObject
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
        await SinchWire.WriteAsync(context, new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = 401, ["message"] = "Request had invalid authentication credentials.", ["status"] = "UNAUTHENTICATED" },
        });
    }

    private string BasicValue() => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Options.KeyId}:{Options.KeySecret}"));
}
