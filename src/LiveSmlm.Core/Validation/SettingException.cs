namespace LiveSmlm.Core;

/// <summary>
/// A setting that cannot be used. It carries the JSON path of the field (<see cref="Path"/>, e.g.
/// "camera.emGain" or "lasers[0].powerMw"), the offending value as written in the message and the
/// allowed range, so that a profile loader or the CLI can name the field without reading the message.
/// It is an <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/> is the path,
/// so existing <c>catch (ArgumentException)</c> sites keep working. The message starts with the path,
/// e.g. "camera.emGain = 0.5 is out of range; allowed [1, 10000] (1 for sCMOS/CCD).", and has no
/// "(Parameter …)" suffix: the path is already its first word.
/// </summary>
public sealed class SettingException : ArgumentException
{
    private readonly string _message;

    public SettingException()
        : this(string.Empty, "is not valid.")
    {
    }

    /// <summary>A problem without a field path (<see cref="Path"/> is empty).</summary>
    public SettingException(string message)
        : this(string.Empty, message)
    {
    }

    /// <summary>A problem without a field path, caused by <paramref name="innerException"/>.</summary>
    public SettingException(string message, Exception innerException)
        : base(message, innerException)
    {
        _message = message ?? string.Empty;
        Path = string.Empty;
        Detail = _message;
    }

    /// <summary>
    /// A problem with the field at <paramref name="path"/>; the message is the path followed by
    /// <paramref name="detail"/> (a space is put between them unless the detail starts with one),
    /// e.g. path "lasers[0].role" and detail "= \"pump\" is not a laser role; allowed …".
    /// </summary>
    public SettingException(string path, string detail, string? value = null, string? allowed = null, Exception? innerException = null)
        : base(Compose(path, detail), NullIfEmpty(path), innerException)
    {
        Path = path ?? string.Empty;
        Detail = detail ?? string.Empty;
        Value = value;
        Allowed = allowed;
        _message = Compose(Path, Detail);
    }

    /// <summary>JSON path of the offending field, e.g. "lasers[0].powerMw"; empty when none applies.</summary>
    public string Path { get; }

    /// <summary>The offending value as it appears in the message (invariant culture), when there is one.</summary>
    public string? Value { get; }

    /// <summary>What would be right, e.g. "[1, 10000] (1 for sCMOS/CCD)", when there is a range.</summary>
    public string? Allowed { get; }

    /// <summary>The message after the path (e.g. "= 0.5 is out of range; allowed [1, 10]."); the message is path + detail.</summary>
    public string Detail { get; }

    /// <summary>The message: the path, then what is wrong and what would be right.</summary>
    public override string Message => _message;

    /// <summary>
    /// The range error "path = value is out of range; allowed range." with the value formatted
    /// in the invariant culture (shortest round-trip form: 0.5, 1E-05, 10000).
    /// </summary>
    public static SettingException OutOfRange(string path, double value, string allowed)
    {
        string text = SettingValidation.Format(value);
        return new SettingException(path, $"= {text} is out of range; allowed {allowed}.", text, allowed);
    }

    /// <summary>
    /// The same error for a field inside a section validated under <paramref name="prefix"/>:
    /// "camera.emGain" under "lasers[0]" becomes "lasers[0].camera.emGain", message and all.
    /// The original is kept as the inner exception.
    /// </summary>
    public SettingException Under(string prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return this;
        }

        string path = Path.Length == 0 ? prefix : SettingValidation.Join(prefix, Path);
        return new SettingException(path, Detail, Value, Allowed, this);
    }

    private static string Compose(string? path, string? detail)
    {
        if (string.IsNullOrEmpty(path))
        {
            return detail ?? string.Empty;
        }

        if (string.IsNullOrEmpty(detail))
        {
            return path;
        }

        return detail[0] is ' ' or '.' or '[' ? path + detail : path + " " + detail;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
