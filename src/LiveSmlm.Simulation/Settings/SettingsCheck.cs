using System.Globalization;

namespace LiveSmlm.Simulation;

/// <summary>
/// One place that words a bad setting: the JSON path of the field, its value and the allowed range,
/// so that a profile loader or the CLI can pass the message on unchanged.
/// </summary>
public static class SettingsCheck
{
    /// <summary>Throws <see cref="ArgumentException"/> "path = value is out of range; allowed range." unless ok.</summary>
    public static void Require(bool ok, string path, double value, string allowed)
    {
        if (!ok)
        {
            throw new ArgumentException(
                $"{path} = {value.ToString("R", CultureInfo.InvariantCulture)} is out of range; allowed {allowed}.",
                path);
        }
    }

    /// <summary>Throws when a required section is missing (null in JSON).</summary>
    public static T NotNull<T>(T? section, string path)
        where T : class
    {
        return section ?? throw new ArgumentException($"{path} is missing; it must be an object.", path);
    }

    /// <summary>Joins a prefix and a field name into a JSON path ("camera" + "emGain" = "camera.emGain").</summary>
    public static string Join(string prefix, string field) =>
        string.IsNullOrEmpty(prefix) ? field : prefix + "." + field;
}
