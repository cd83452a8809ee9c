using System.Globalization;

namespace LiveSmlm.Core;

/// <summary>
/// The one way settings are checked (camera model, localizer, simulation, render, hardware profiles):
/// every failure is a <see cref="SettingException"/> that names the field's JSON path, its value and
/// what would be right.
/// </summary>
public static class SettingValidation
{
    /// <summary>
    /// Throws <see cref="SettingException"/> "path = value is out of range; allowed range." unless
    /// <paramref name="ok"/>. The value is written in the invariant culture, shortest round-trip form.
    /// </summary>
    public static void Require(bool ok, string path, double value, string allowed)
    {
        if (!ok)
        {
            throw SettingException.OutOfRange(path, value, allowed);
        }
    }

    /// <summary>
    /// Throws <see cref="SettingException"/> "path detail" unless <paramref name="ok"/>, for checks
    /// that are not a numeric range (e.g. detail "= \"pump\" is not a laser role; allowed …").
    /// </summary>
    public static void Require(bool ok, string path, string detail)
    {
        if (!ok)
        {
            throw new SettingException(path, detail);
        }
    }

    /// <summary>Returns the section, or throws "path is missing; it must be an object." when it is null.</summary>
    public static T NotNull<T>(T? section, string path)
        where T : class
    {
        return section ?? throw new SettingException(path, "is missing; it must be an object.");
    }

    /// <summary>Joins a prefix and a field name into a JSON path ("camera" + "emGain" = "camera.emGain"; "" + "x" = "x").</summary>
    public static string Join(string? prefix, string field) =>
        string.IsNullOrEmpty(prefix) ? field : prefix + "." + field;

    /// <summary>The path of an array element: ("lasers", 0) = "lasers[0]".</summary>
    public static string Index(string path, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    /// <summary>
    /// Runs <paramref name="validate"/> and re-roots any <see cref="SettingException"/> it throws
    /// under <paramref name="prefix"/> ("camera.emGain" under "lasers[0]" = "lasers[0].camera.emGain"),
    /// for sections whose own checks do not know where they sit.
    /// </summary>
    public static void Within(string prefix, Action validate)
    {
        ArgumentNullException.ThrowIfNull(validate);
        try
        {
            validate();
        }
        catch (SettingException e) when (!string.IsNullOrEmpty(prefix))
        {
            throw e.Under(prefix);
        }
    }

    /// <summary>A number as the messages write it: invariant culture, shortest form that round-trips.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
