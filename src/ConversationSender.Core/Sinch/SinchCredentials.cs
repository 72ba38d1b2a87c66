namespace ConversationSender.Sinch;

/// <summary>The four values that identify and authenticate us at Sinch.</summary>
public sealed record SinchCredentials(string ProjectId, string AppId, string KeyId, string KeySecret)
{
    /// <summary>Redacted: credentials must never reach a log line through string interpolation.</summary>
    public override string ToString() => $"SinchCredentials {{ ProjectId = {ProjectId}, AppId = {AppId}, KeyId = {KeyId}, KeySecret = *** }}";
}
