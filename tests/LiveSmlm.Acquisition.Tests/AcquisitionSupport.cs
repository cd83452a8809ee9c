using System.Diagnostics;
using System.Text.RegularExpressions;
using LiveSmlm.Devices.Profiles;

namespace LiveSmlm.Acquisition.Tests;

/// <summary>A small rig for acquisition tests, a temporary folder and the independent readers.</summary>
internal static partial class AcquisitionSupport
{
    /// <summary>simulated-storm.json with a 64 × 64 sensor, so a run takes a fraction of a second of CPU per 100 frames.</summary>
    public static HardwareProfile SmallStorm()
    {
        HardwareProfile storm = HardwareProfile.Load(Path.Combine(AppContext.BaseDirectory, "hardware-profiles", "simulated-storm.json"));
        return storm with { Camera = storm.Camera with { WidthPx = 64, HeightPx = 64 } };
    }

    public static string NewDir() => Path.Combine(Path.GetTempPath(), "livesmlm-acq-" + Guid.NewGuid().ToString("N"));

    /// <summary>Runs a tool; asserts exit 0; returns (stdout, stderr).</summary>
    public static (string Out, string Err) Tool(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
        return (stdout, stderr.Result);
    }

    /// <summary>Pages of a TIFF as libtiff's tiffinfo counts them (its own IFD walk), with its complaints.</summary>
    public static (int Pages, string Err, string Out) TiffinfoPages(string path)
    {
        (string stdout, string stderr) = Tool("tiffinfo", path);
        return (DirectoryLine().Matches(stdout).Count, stderr, stdout);
    }

    [GeneratedRegex("^TIFF Directory at offset", RegexOptions.Multiline)]
    private static partial Regex DirectoryLine();
}
