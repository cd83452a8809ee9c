using System.Globalization;
using LiveSmlm.Acquisition.Session;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Devices.Safety;
using LiveSmlm.Devices.Simulated;
using LiveSmlm.Localization;
using LiveSmlm.Simulation;

namespace LiveSmlm.Acquisition.Tests;

/// <summary>
/// A run with a 3D calibration (what `live --calibration` hands the data plane): the simulated rig images an
/// astigmatic microtubule sample whose labels wave in z over [−400, 400] nm; the run's locs.csv carries z whose
/// spread is the sample's (the simulator's settings are the truth), and render.png is the depth-coloured RGB render.
/// The 405 nm laser is off: at the shipped activation (≈ 0.5 active dyes per µm²) overlapping spots, which the 3D
/// fit does not split (no multi-emitter model in 3D), spread z over the whole calibrated range.
/// </summary>
public sealed class Acquisition3DTests : IDisposable
{
    private const double ZRangeNm = 400;
    private readonly string _dir = AcquisitionSupport.NewDir();
    private readonly LaserSafetyRegistry _registry = new();

    public void Dispose()
    {
        _registry.Dispose();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Acquire_WithCalibration_FitsZOverTheSamplesDepth()
    {
        var lens = new AstigmatismSettings { Sigma0XNm = 120, Sigma0YNm = 120, CxNm = -200, CyNm = 200, DNm = 400 };
        HardwareProfile storm = AcquisitionSupport.SmallStorm();
        HardwareProfile profile = storm with
        {
            Optics = storm.Optics with { Astigmatism = lens },
            Lasers = [.. storm.Lasers.Select(l => l.Role == LaserProfile.ActivationRole ? l with { PowerMw = 0 } : l)],
            Simulation = storm.Simulation! with { Sample = storm.Simulation!.Sample with { ZMinNm = -ZRangeNm, ZMaxNm = ZRangeNm, Fiducials = null } },
        };
        var calibration = new PsfCalibration3D
        {
            PixelSizeNm = profile.Camera.PixelSizeNm,
            X = new CurveNm(lens.Sigma0XNm, lens.CxNm, lens.DNm, 0, 0),
            Y = new CurveNm(lens.Sigma0YNm, lens.CyNm, lens.DNm, 0, 0),
            ZMinNm = -700,
            ZMaxNm = 700,
        };
        using var rig = new SimulatedRig(profile, seed: 5);
        AcquisitionSummary summary = AcquisitionRun.Run(new AcquisitionRequest
        {
            Profile = profile, Frames = 300, OutDir = _dir, Engine = "cpu", Rig = rig, SafetyRegistry = _registry, AsFastAsPossible = true,
            Calibration3D = calibration,
        });

        // locs.csv read by hand: the z column of every row.
        string[] lines = [.. File.ReadLines(Path.Combine(_dir, "locs.csv"))];
        string[] header = lines[0].Split(',');
        int zColumn = Array.FindIndex(header, h => h.Trim('"') == "z [nm]");
        Assert.True(zColumn >= 0, $"locs.csv has no z [nm] column: {lines[0]}");
        double[] z = [.. lines.Skip(1).Select(l => double.Parse(l.Split(',')[zColumn], CultureInfo.InvariantCulture))];
        Assert.Equal(summary.Localizations, z.Length);
        Assert.True(z.Length > 200, $"{z.Length} localizations");

        // Microtubules wave in z as zMid + zHalf·sin(…): an arcsine distribution over ±400 nm, SD 400/√2 = 283 nm, two
        // thirds of it beyond ±200 nm; the fits add √CRLB_z ≈ 30 nm (median reported here) and a few mixed spots.
        double mean = z.Average(), sd = Math.Sqrt(z.Sum(v => (v - mean) * (v - mean)) / (z.Length - 1));
        string histogram = string.Join(" ", Enumerable.Range(0, 14).Select(b => z.Count(v => v >= -700 + (100 * b) && v < -600 + (100 * b))));
        string seen = $"mean {mean:F0} nm, SD {sd:F0} nm, {z.Length} localizations; per 100 nm from −700: {histogram}";
        Assert.InRange(sd, 0.8 * ZRangeNm / Math.Sqrt(2), 1.25 * ZRangeNm / Math.Sqrt(2));
        Assert.True(z.Count(v => Math.Abs(v) <= ZRangeNm + 100) >= 0.85 * z.Length, seen);
        Assert.True(z.Count(v => v < -200) >= 0.2 * z.Length && z.Count(v => v > 200) >= 0.2 * z.Length, seen);
        Assert.Contains("RGB", AcquisitionSupport.Tool("pngcheck", "-v", Path.Combine(_dir, "render.png")).Out, StringComparison.Ordinal);
    }
}
