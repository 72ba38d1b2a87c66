namespace ConversationSender.Sending;

/// <summary>Identities as logs may show them: enough to tell two apart, not enough to contact anyone.</summary>
public static class IdentityMask
{
    /// <summary><c>+46701234567</c> → <c>+4670*****67</c>; short identities keep only their last two characters.</summary>
    public static string Mask(string? identity)
    {
        if (string.IsNullOrEmpty(identity))
        {
            return "";
        }

        if (identity.Length <= 4)
        {
            return new string('*', identity.Length);
        }

        if (identity.Length < 9)
        {
            return new string('*', identity.Length - 2) + identity[^2..];
        }

        return identity[..5] + new string('*', identity.Length - 7) + identity[^2..];
    }
}
