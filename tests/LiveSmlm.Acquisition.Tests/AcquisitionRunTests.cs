using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LiveSmlm.Acquisition.Session;
using LiveSmlm.Devices;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Devices.Safety;
using LiveSmlm.Devices.Simulated;
using LiveSmlm.Localization;
using LiveSmlm.Simulation;

namespace LiveSmlm.Acquisition.Tests;

public sealed class AcquisitionRunTests : IDisposable
{
    private const double ThreeDSampleHalfRangeNm = 400;
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
    public void Acquire_AtProfileRate_RecordsAndLocalizesEveryFrame()
    {
        HardwareProfile profile = AcquisitionSupport.SmallStorm();
        using var rig = new SimulatedRig(profile, seed: 3);
        const int n = 200;
        AcquisitionSummary summary = AcquisitionRun.Run(Request(profile, n, rig));

        Assert.Equal(n, summary.FramesAcquired);
        Assert.Equal(n, summary.FramesRecorded);
        Assert.Equal(n, summary.FramesLocalized);
        Assert.Equal(0, summary.FramesDropped);
        Assert.Equal("real-time", summary.Pacing);

        // The independent reader: libtiff walks the IFD chain of the raw file itself.
        (int pages, string err, _) = AcquisitionSupport.TiffinfoPages(Path.Combine(_dir, "raw.ome.tif"));
        Assert.Equal(n, pages);
        Assert.DoesNotContain("rror", err, StringComparison.Ordinal);

        // summary.json as a file: the keys the issue names, the windows adding up, the profile's laser powers.
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "summary.json")));
        JsonElement root = json.RootElement;
        Assert.Equal(n, root.GetProperty("frames_acquired").GetInt64());
        Assert.Equal(n, root.GetProperty("frames_recorded").GetInt64());
        Assert.Equal(0, root.GetProperty("frames_dropped").GetInt64());
        Assert.True(root.GetProperty("mean_fps").GetDouble() > 0);
        Assert.Equal("cpu", root.GetProperty("engine").GetString());
        double p50 = root.GetProperty("localizer_latency_ms").GetProperty("p50").GetDouble();
        double p99 = root.GetProperty("localizer_latency_ms").GetProperty("p99").GetDouble();
        Assert.True(p50 > 0 && p99 >= p50, $"p50 {p50} ms, p99 {p99} ms");
        JsonElement[] windows = [.. root.GetProperty("windows").EnumerateArray()];
        Assert.Equal(2, windows.Length);
        Assert.Equal(root.GetProperty("localizations").GetInt64(), windows.Sum(w => w.GetProperty("localizations").GetInt64()));
        Assert.True(root.GetProperty("localizations").GetInt64() > n, "a dSTORM sample gives localizations in most frames");
        foreach (JsonElement w in windows)
        {
            Assert.Equal(profile.ActivationLaser!.PowerMw, w.GetProperty("laser_powers_mw").GetProperty("405").GetDouble());
            Assert.Equal(profile.ExcitationLaser!.PowerMw, w.GetProperty("laser_powers_mw").GetProperty("640").GetDouble());
        }

        foreach (string name in new[] { "locs.csv", "locs.hdf5", "locs.yaml", "render.png" })
        {
            Assert.True(File.Exists(Path.Combine(_dir, name)), name);
        }

        // CSV rows (header excluded) = localizations.
        Assert.Equal(summary.Localizations, File.ReadLines(Path.Combine(_dir, "locs.csv")).Count() - 1);
        AssertLasersOff(rig);
    }

    [Fact]
    public void CameraStopsDelivering_ClearError_LasersOff_FramesKept()
    {
        HardwareProfile profile = AcquisitionSupport.SmallStorm();
        using var rig = new SimulatedRig(profile, seed: 4);
        double activationDuring = -1;
        var request = Request(profile, 100_000, rig) with { AsFastAsPossible = true, ReadTimeout = TimeSpan.FromMilliseconds(300) };

        var e = Assert.Throws<AcquisitionFailedException>(() => AcquisitionRun.Run(request, status =>
        {
            if (activationDuring < 0 && status.FramesLocalized > 0)
            {
                activationDuring = rig.Sample.ActivationPowerMw;
                rig.Camera.InjectStall();
            }
        }));

        Assert.IsType<CameraTimeoutException>(e.InnerException);
        Assert.Contains("stopped delivering", e.Message, StringComparison.Ordinal);
        Assert.Contains("lasers are off", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(profile.ActivationLaser!.PowerMw, activationDuring);
        AssertLasersOff(rig);
        AssertFramesKept(e.Summary!);
    }

    [Fact]
    public void LaserFaults_ClearError_LasersOff_FramesKept()
    {
        HardwareProfile profile = AcquisitionSupport.SmallStorm();
        using var rig = new SimulatedRig(profile, seed: 5);
        var request = Request(profile, 100_000, rig) with { AsFastAsPossible = true };
        bool injected = false;

        var e = Assert.Throws<AcquisitionFailedException>(() => AcquisitionRun.Run(request, status =>
        {
            if (!injected && status.FramesLocalized > 0)
            {
                injected = true;
                rig.Laser("405").InjectFault("interlock opened (test)");
            }
        }));

        Assert.IsType<DeviceFaultException>(e.InnerException);
        Assert.Contains("'405'", e.Message, StringComparison.Ordinal);
        Assert.Contains("interlock opened", e.Message, StringComparison.Ordinal);
        AssertLasersOff(rig);
        AssertFramesKept(e.Summary!);
    }

    [Fact]
    public void OutputFolderUnwritable_ClearError_LasersNeverOn()
    {
        HardwareProfile profile = AcquisitionSupport.SmallStorm();
        using var rig = new SimulatedRig(profile, seed: 6);
        Directory.CreateDirectory(_dir);
        string notAFolder = Path.Combine(_dir, "a-file");
        File.WriteAllText(notAFolder, "x");
        var request = Request(profile, 10, rig) with { OutDir = Path.Combine(notAFolder, "out") };

        var e = Assert.Throws<AcquisitionFailedException>(() => AcquisitionRun.Run(request));

        Assert.Contains(notAFolder, e.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be written", e.Message, StringComparison.Ordinal);
        AssertLasersOff(rig);
        Assert.Equal(0, rig.Camera.FramesDelivered);
    }

    [Fact]
    public void OutputFull_AtStart_ClearError_LasersNeverOn()
    {
        // locs.csv on /dev/full: the CSV header cannot be written.
        HardwareProfile profile = AcquisitionSupport.SmallStorm();
        using var rig = new SimulatedRig(profile, seed: 7);
        Directory.CreateDirectory(_dir);
        File.CreateSymbolicLink(Path.Combine(_dir, "locs.csv"), "/dev/full");

        var e = Assert.Throws<AcquisitionFailedException>(() => AcquisitionRun.Run(Request(profile, 10, rig)));

        Assert.Contains("locs.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains("lasers were not switched on", e.Message, StringComparison.Ordinal);
        AssertLasersOff(rig);
        Assert.Equal(0, rig.Camera.FramesDelivered);
    }

    [Fact]
    public void OutputFull_DuringRun_ClearError_LasersOff_FramesKept()
    {
        // The HDF5 writer's spill on /dev/full: the disk is full when the first batch is flushed.
        HardwareProfile profile = AcquisitionSupport.SmallStorm();
        using var rig = new SimulatedRig(profile, seed: 7);
        Directory.CreateDirectory(_dir);
        File.CreateSymbolicLink(Path.Combine(_dir, "locs.hdf5.spill"), "/dev/full");
        var request = Request(profile, 100_000, rig) with { AsFastAsPossible = true };

        var e = Assert.Throws<AcquisitionFailedException>(() => AcquisitionRun.Run(request));

        Assert.Contains("hdf5", e.Message, StringComparison.Ordinal);
        Assert.Contains("No space left", e.Message, StringComparison.Ordinal);
        Assert.Contains("lasers are off", e.Message, StringComparison.Ordinal);
        AssertLasersOff(rig);
        AssertFramesKept(e.Summary!);
    }

    [Fact]
    public void Cancel_StopsWithinASecond_LasersOff()
    {
        HardwareProfile profile = AcquisitionSupport.SmallStorm();
        using var rig = new SimulatedRig(profile, seed: 8);
        using var cancel = new CancellationTokenSource();
        var request = Request(profile, 1_000_000, rig) with { AsFastAsPossible = true };
        var sinceCancel = new Stopwatch();

        Assert.ThrowsAny<OperationCanceledException>(() => AcquisitionRun.Run(
            request,
            status =>
            {
                if (!cancel.IsCancellationRequested && status.FramesLocalized > 0)
                {
                    sinceCancel.Start();
                    cancel.Cancel();
                }
            },
            cancel: cancel.Token));

        Assert.True(sinceCancel.Elapsed < TimeSpan.FromSeconds(1), $"stopped {sinceCancel.Elapsed.TotalSeconds:F2} s after the cancel");
        AssertLasersOff(rig);
        (int pages, _, _) = AcquisitionSupport.TiffinfoPages(Path.Combine(_dir, "raw.ome.tif"));
        Assert.True(pages > 0);
    }

    /// <summary>
    /// A run with a 3D calibration (what `live --calibration` hands the data plane): the simulated rig images an
    /// astigmatic microtubule sample whose labels wave in z over [−400, 400] nm; the run's locs.csv carries z whose
    /// spread is the sample's (the simulator's settings are the truth), and render.png is the depth-coloured RGB render.
    /// The 405 nm laser is off: at the shipped activation (≈ 0.5 active dyes per µm²) overlapping spots, which the 3D
    /// fit does not split (no multi-emitter model in 3D), spread z over the whole calibrated range.
    /// </summary>
    [Fact]
    public void Acquire_WithCalibration_FitsZOverTheSamplesDepth()
    {
        var lens = new AstigmatismSettings { Sigma0XNm = 120, Sigma0YNm = 120, CxNm = -200, CyNm = 200, DNm = 400 };
        HardwareProfile storm = AcquisitionSupport.SmallStorm();
        HardwareProfile profile = storm with
        {
            Optics = storm.Optics with { Astigmatism = lens },
            Lasers = [.. storm.Lasers.Select(l => l.Role == LaserProfile.ActivationRole ? l with { PowerMw = 0 } : l)],
            Simulation = storm.Simulation! with { Sample = storm.Simulation!.Sample with { ZMinNm = -ThreeDSampleHalfRangeNm, ZMaxNm = ThreeDSampleHalfRangeNm, Fiducials = null } },
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
        Assert.InRange(sd, 0.8 * ThreeDSampleHalfRangeNm / Math.Sqrt(2), 1.25 * ThreeDSampleHalfRangeNm / Math.Sqrt(2));
        Assert.True(z.Count(v => Math.Abs(v) <= ThreeDSampleHalfRangeNm + 100) >= 0.85 * z.Length, seen);
        Assert.True(z.Count(v => v < -200) >= 0.2 * z.Length && z.Count(v => v > 200) >= 0.2 * z.Length, seen);
        Assert.Contains("RGB", AcquisitionSupport.Tool("pngcheck", "-v", Path.Combine(_dir, "render.png")).Out, StringComparison.Ordinal);
    }

    private AcquisitionRequest Request(HardwareProfile profile, long frames, SimulatedRig rig) => new()
    {
        Profile = profile,
        Frames = frames,
        OutDir = _dir,
        Engine = "cpu",
        Rig = rig,
        SafetyRegistry = _registry,
        WindowFrames = 100,
    };

    private static void AssertLasersOff(SimulatedRig rig)
    {
        // The simulated sample's own view: no light reaches the dyes.
        Assert.Equal(0, rig.Sample.ActivationPowerMw);
        Assert.Equal(0, rig.Sample.ExcitationPowerMw);
        Assert.All(rig.Lasers, l => Assert.Equal(0, l.EmittedPowerMw));
    }

    private void AssertFramesKept(AcquisitionSummary summary)
    {
        Assert.True(summary.FramesRecorded > 0);
        Assert.Equal(summary.FramesAcquired, summary.FramesRecorded);
        (int pages, string err, _) = AcquisitionSupport.TiffinfoPages(Path.Combine(_dir, "raw.ome.tif"));
        Assert.Equal(summary.FramesRecorded, pages);
        Assert.DoesNotContain("rror", err, StringComparison.Ordinal);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "summary.json")));
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error").GetString()));
    }
}
