using System.Security.Cryptography;
using System.Text;

namespace LiveSmlm.Web;

/// <summary>
/// The secret that every control action (and the feed) must carry: 32 random bytes, base64url, made at
/// start-up and printed with the link. Compared in constant time, so the answer's timing says nothing
/// about how much of a guess was right.
/// </summary>
public sealed class AccessToken
{
    /// <summary>Request header that carries the token (or <c>Authorization: Bearer TOKEN</c>).</summary>
    public const string HeaderName = "X-LiveSmlm-Token";

    /// <summary>Query parameter that carries it where a browser cannot set headers (the WebSocket).</summary>
    public const string QueryName = "token";

    private readonly byte[] _digest;

    public AccessToken(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        Value = value;
        _digest = SHA256.HashData(Encoding.UTF8.GetBytes(value));
    }

    public string Value { get; }

    /// <summary>A fresh token from the operating system's cryptographic generator.</summary>
    public static AccessToken Create() =>
        new(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));

    /// <summary>
    /// Whether <paramref name="candidate"/> is the token. Both sides are hashed first so that the
    /// comparison runs over equal lengths; <see cref="CryptographicOperations.FixedTimeEquals"/> then
    /// takes the same time wherever they differ.
    /// </summary>
    public bool Matches(string? candidate)
    {
        if (string.IsNullOrEmpty(candidate))
        {
            return false;
        }

        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(candidate));
        return CryptographicOperations.FixedTimeEquals(digest, _digest);
    }
}
