using System.Net;

namespace LiveSmlm.Web;

/// <summary>
/// Which addresses the server may listen on: loopback (127.0.0.0/8, ::1, localhost) by default; any other
/// only with the explicit --allow-remote, and then with a warning, because the page controls lasers.
/// </summary>
public static class BindAddresses
{
    public const string DefaultUrl = "http://127.0.0.1:5100";

    /// <summary>Splits a --urls value (';' or ',' between URLs) and checks each.</summary>
    /// <returns>The URLs and, when some are not loopback, the warning to print.</returns>
    /// <exception cref="ArgumentException">A URL that is not http://HOST:PORT, or a remote one without <paramref name="allowRemote"/>.</exception>
    public static (IReadOnlyList<string> Urls, string? Warning) Check(string urls, bool allowRemote)
    {
        ArgumentNullException.ThrowIfNull(urls);
        string[] list = urls.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length == 0)
        {
            throw new ArgumentException($"--urls is empty; give e.g. {DefaultUrl}.");
        }

        var remote = new List<string>();
        foreach (string url in list)
        {
            if (!IsLoopback(url))
            {
                remote.Add(url);
            }
        }

        if (remote.Count == 0)
        {
            return (list, null);
        }

        if (!allowRemote)
        {
            throw new ArgumentException(
                $"--urls {string.Join(";", remote)} is not a loopback address: anyone who can reach it could see the rig. Bind to 127.0.0.1 and use an SSH tunnel (see README), or pass --allow-remote to accept the risk.");
        }

        return (list, $"warning: listening on {string.Join(", ", remote)}, reachable from other computers. Anyone on that network who gets the token can switch the lasers; prefer 127.0.0.1 with an SSH tunnel.");
    }

    /// <summary>Whether a URL's host is a loopback address (a name other than localhost is not).</summary>
    public static bool IsLoopback(string url)
    {
        // Kestrel's wildcards (http://*:5100, http://+:5100) listen on every interface.
        string normalized = url.Replace("://*", "://wildcard.invalid", StringComparison.Ordinal).Replace("://+", "://wildcard.invalid", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--urls: '{url}' is not a URL of the form http://HOST:PORT (e.g. {DefaultUrl}).");
        }

        if (uri.IsLoopback)
        {
            return true;
        }

        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip);
    }
}
