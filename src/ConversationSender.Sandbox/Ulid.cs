using System.Security.Cryptography;

namespace ConversationSender.Sandbox;

/// <summary>26-character, time-ordered ids in Crockford base32, like Sinch's message ids.</summary>
public static class Ulid
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New(DateTimeOffset now)
    {
        Span<char> id = stackalloc char[26];
        var time = (ulong)now.ToUnixTimeMilliseconds();
        for (var i = 9; i >= 0; i--)
        {
            id[i] = Alphabet[(int)(time & 31)];
            time >>= 5;
        }

        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        for (var i = 10; i < 26; i++)
        {
            id[i] = Alphabet[random[i - 10] & 31];
        }

        return new string(id);
    }
}
