namespace LiveSmlm.IO;

/// <summary>
/// The errors every reader raises the same way: a missing file names itself and says what it is;
/// corrupt contents name the file and what would be right.
/// </summary>
internal static class FileChecks
{
    public static void RequireExists(string path, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{what} '{path}' does not exist.", path);
        }
    }

    public static InvalidDataException Corrupt(string path, string problem) =>
        new($"'{path}': {problem}");
}
