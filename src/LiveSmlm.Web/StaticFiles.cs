namespace LiveSmlm.Web;

/// <summary>
/// Serves files from one folder and nothing outside it: the request path is decoded once more (so that
/// %2e%2e%2f is seen as ../), any "..", backslash, colon or NUL segment is refused, and the resolved full
/// path must still lie under the folder, and no part of it below the folder may be a symbolic link (a link
/// inside the folder could point anywhere).
/// </summary>
public static class StaticFiles
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".glsl"] = "text/plain; charset=utf-8",
        [".png"] = "image/png",
        [".svg"] = "image/svg+xml",
        [".json"] = "application/json",
    };

    /// <summary>The full path of <paramref name="relative"/> under <paramref name="root"/>, or null when it would leave it or is not a known file type.</summary>
    public static string? Resolve(string root, string relative)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(relative);
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(relative);
        }
        catch (UriFormatException)
        {
            return null;
        }

        if (decoded.Contains('\\', StringComparison.Ordinal) || decoded.Contains(':', StringComparison.Ordinal) || decoded.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        string[] segments = decoded.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments.Any(s => s is "." or ".." || s.StartsWith('.')))
        {
            return null;
        }

        string fullRoot = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        string full = Path.GetFullPath(Path.Combine(fullRoot, Path.Combine(segments)));
        if (!full.StartsWith(fullRoot, StringComparison.Ordinal) || !ContentTypes.ContainsKey(Path.GetExtension(full)) || !File.Exists(full))
        {
            return null;
        }

        string walked = fullRoot;
        foreach (string segment in segments)
        {
            walked = Path.Combine(walked, segment);
            if (new FileInfo(walked).LinkTarget is not null)
            {
                return null;
            }
        }

        return full;
    }

    public static string ContentType(string path) => ContentTypes.TryGetValue(Path.GetExtension(path), out string? type) ? type : "application/octet-stream";
}
