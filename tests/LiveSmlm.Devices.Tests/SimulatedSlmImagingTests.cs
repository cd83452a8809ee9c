using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Devices.Safety;
using LiveSmlm.Devices.Simulated;
using LiveSmlm.Simulation;
using LiveSmlm.Tests.Support;

namespace LiveSmlm.Devices.Tests;

/// <summary>
/// The simulated rig's SLM sits in its pupil: a pattern shown on it during an acquisition (through the session
/// `acquire` drives) changes the camera's frames from the next frame on. Widths are the test's own second moments
/// of the frame in photons; the bead's position and depth are the simulator's truth.
/// </summary>
public sealed class SimulatedSlmImagingTests
{
    private const int Side = 32, SlmSide = 128, FramesEach = 4;
    private const double BeadZNm = 300;

    [Fact]
    public async Task AstigmatismShownDuringAcquisition_MakesTheFramesAfterItAstigmatic()
    {
        using var registry = new LaserSafetyRegistry();
        using var rig = new SimulatedRig(BeadRig(grayFor2Pi: 200), seed: 5);
        using DeviceSession session = TestRigs.Session(rig, registry);
        session.Connect();
        session.Arm(new SequenceOptions { FrameCount = 2 * FramesEach, Pacing = FramePacing.AsFastAsPossible });
        session.Acquire();

        var frame = new Frame(Side, Side);
        var ratios = new List<double>();
        for (int i = 0; i < 2 * FramesEach; i++)
        {
            if (i == FramesEach)
            {
                byte[] astig = SpotMoments.AstigmatismImage(SlmSide, 1.0, 200);
                await Task.Run(() => session.Slm!.ShowPhase(astig));   // the control thread, as the live view's would be
            }

            Assert.True(await session.Camera.TryReadFrameAsync(frame));
            GroundTruthEmitter bead = Assert.Single(rig.Sample.LastFrameTruth);
            (double sx, double sy, _) = SpotMoments.Widths(frame, rig.Profile.ToCameraModel(), bead.XNm, bead.YNm, halfWindowPx: 5);
            ratios.Add(sx / sy);
        }

        session.Stop();
        Assert.All(ratios.Take(FramesEach), r => Assert.InRange(r, 0.9, 1.1));   // flat SLM: the round Gaussian
        Assert.All(ratios.Skip(FramesEach), r => Assert.True(r < 0.7 || r > 1.0 / 0.7, $"σx/σy = {r:F2} after the astigmatism was shown; all: {string.Join(", ", ratios.Select(x => x.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}"));
    }

    [Fact]
    public async Task PatternsFlippedFromAControlThread_WhileTheCameraRenders_EachFrameHasOneWholePsf()
    {
        // ±astigmatism swap the long axis; a frame drawn half with each PSF (or with a torn pattern) would be near round.
        using var rig = new SimulatedRig(BeadRig(grayFor2Pi: 255), seed: 5);
        byte[][] patterns = [SpotMoments.AstigmatismImage(SlmSide, 1.0, 255), SpotMoments.AstigmatismImage(SlmSide, -1.0, 255)];
        rig.Slm.Connect();
        rig.Slm.ShowPhase(patterns[0]);
        rig.Camera.Connect();
        rig.Camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = 30, Pacing = FramePacing.AsFastAsPossible });
        using var stop = new CancellationTokenSource();
        Task flipper = Task.Run(() =>
        {
            for (int i = 1; !stop.IsCancellationRequested; i++)
            {
                rig.Slm.ShowPhase(patterns[i % 2]);
                Thread.Sleep(1);
            }
        });

        var frame = new Frame(Side, Side);
        var ratios = new List<double>();
        try
        {
            while (await rig.Camera.TryReadFrameAsync(frame))
            {
                if (ratios.Count == 15)
                {
                    // Halfway, make sure the control thread is really flipping while frames are made (a loaded machine may starve it).
                    long shown = rig.Slm.PatternsShown;
                    Assert.True(SpinWait.SpinUntil(() => rig.Slm.PatternsShown >= shown + 5, TimeSpan.FromSeconds(20)), "the control thread showed no patterns");
                }

                GroundTruthEmitter bead = Assert.Single(rig.Sample.LastFrameTruth);
                (double sx, double sy, _) = SpotMoments.Widths(frame, rig.Profile.ToCameraModel(), bead.XNm, bead.YNm, halfWindowPx: 5);
                ratios.Add(sx / sy);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await flipper;
        }

        Assert.Equal(30, ratios.Count);
        Assert.All(ratios, r => Assert.True(r < 0.7 || r > 1.0 / 0.7, $"σx/σy = {r:F2}; all: {string.Join(", ", ratios.Select(x => x.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}"));
    }

    [Fact]
    public async Task SlmCalibration_MapsGreyToPhase_SoTheSamePhaseAtAnotherGreyFor2PiImagesAlike()
    {
        // The same 1 rad astigmatism quantized for a panel whose 2π is grey 200, and for one whose 2π is 255.
        (double X, double Y) a = await WidthsWithPattern(200, SpotMoments.AstigmatismImage(SlmSide, 1.0, 200));
        (double X, double Y) b = await WidthsWithPattern(255, SpotMoments.AstigmatismImage(SlmSide, 1.0, 255));
        Assert.Equal(a.X, b.X, a.X * 0.05);
        Assert.Equal(a.Y, b.Y, a.Y * 0.05);

        // …and the 255 image on the 200 panel is a different (larger, wrapped differently) phase: the calibration is applied.
        (double X, double Y) wrong = await WidthsWithPattern(200, SpotMoments.AstigmatismImage(SlmSide, 1.0, 255));
        Assert.True(Math.Abs(wrong.X - a.X) > 0.1 * a.X || Math.Abs(wrong.Y - a.Y) > 0.1 * a.Y, $"σ with the calibration ({a.X:F0}, {a.Y:F0}) nm, with the wrong one ({wrong.X:F0}, {wrong.Y:F0}) nm");
    }

    private static async Task<(double X, double Y)> WidthsWithPattern(int grayFor2Pi, byte[] pattern)
    {
        using var rig = new SimulatedRig(BeadRig(grayFor2Pi), seed: 5);
        rig.Slm.Connect();
        rig.Slm.ShowPhase(pattern);
        rig.Camera.Connect();
        rig.Camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = 1, Pacing = FramePacing.AsFastAsPossible });
        var frame = new Frame(Side, Side);
        Assert.True(await rig.Camera.TryReadFrameAsync(frame));
        GroundTruthEmitter bead = Assert.Single(rig.Sample.LastFrameTruth);
        (double sx, double sy, _) = SpotMoments.Widths(frame, rig.Profile.ToCameraModel(), bead.XNm, bead.YNm, halfWindowPx: 5);
        return (sx, sy);
    }

    /// <summary>simulated-storm on a 32 × 32 sensor imaging one bright bead 300 nm above focus, no dyes, no background; a 128 × 128 SLM.</summary>
    private static HardwareProfile BeadRig(int grayFor2Pi)
    {
        HardwareProfile storm = TestRigs.Storm;
        SimulationProfile simulation = storm.Simulation! with
        {
            Sample = new SampleSettings
            {
                Structure = SampleStructure.Uniform,
                Uniform = new UniformSettings { DensityPerUm2 = 0 },
                ZMinNm = BeadZNm,
                ZMaxNm = BeadZNm,
                Fiducials = new FiducialSettings { Count = 1, PhotonsPerFrame = 1e5 },
            },
            Background = new BackgroundSettings { UniformPhotonsPerPixel = 0, StructuredPhotonsPerPixel = 0 },
            Drift = new DriftSettings(),
        };
        return storm with
        {
            Camera = storm.Camera with { WidthPx = Side, HeightPx = Side },
            Simulation = simulation,
            Slm = new SlmProfile { WidthPx = SlmSide, HeightPx = SlmSide, GrayFor2Pi = grayFor2Pi },
        };
    }
}
