namespace LiveSmlm.Devices.Profiles;

/// <summary>
/// A hardware profile that cannot be used: its message names the file, the JSON path of the field
/// (e.g. camera.emGain) and what would be right.
/// </summary>
public sealed class ProfileValidationException : Exception
{
    public ProfileValidationException()
    {
    }

    public ProfileValidationException(string message)
        : base(message)
    {
    }

    public ProfileValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProfileValidationException(string filePath, string fieldPath, string message, Exception? innerException = null)
        : base($"{filePath}: {message}", innerException)
    {
        FilePath = filePath;
        FieldPath = fieldPath;
    }

    /// <summary>The profile file (or the name given to the parsed text).</summary>
    public string? FilePath { get; }

    /// <summary>JSON path of the offending field without the leading "$.", e.g. "lasers[0].powerMw".</summary>
    public string? FieldPath { get; }
}
