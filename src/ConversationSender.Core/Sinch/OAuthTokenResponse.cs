namespace ConversationSender.Sinch;

/// <summary>The token endpoint's answer; only read, never built by us.</summary>
public sealed record OAuthTokenResponse(string? AccessToken, int? ExpiresIn, string? TokenType, string? Scope);
