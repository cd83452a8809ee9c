using LiveSmlm.Acquisition.Feedback;
using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Simulation;

namespace LiveSmlm.Acquisition.Tests.Feedback;

/// <summary>The fit-free density against the simulator's ground truth: emitters on per frame.</summary>
public class FitFreeDensityEstimatorTests
{
    [Theory]
    [InlineData(2.0)]
    [InlineData(8.0)]
    public void Count_SparseBlinkingDyes_MatchesTheBrightEmittersOnPerFrame(double activationMw)
    {
        (double counted, double bright) = CountAgainstTruth(activationMw, fiducials: false, frames: 400);

        // Emitters with ≥ 500 photons are the ones a detector surely sees; some dimmer ones (a dye on for part of
        // the exposure) are counted too, and a few noise maxima: measured 1.11 at 2 mW, seed 21.
        Assert.InRange(counted / bright, 0.85, 1.15);
    }

    [Fact]
    public void Count_FollowsTheTrueDensityInProportion()
    {
        (double lowCount, double lowTruth) = CountAgainstTruth(2.0, fiducials: false, frames: 400);
        (double highCount, double highTruth) = CountAgainstTruth(8.0, fiducials: false, frames: 400);

        Assert.True(highTruth > 2 * lowTruth);
        Assert.InRange(highCount / lowCount, 0.85 * highTruth / lowTruth, 1.15 * highTruth / lowTruth);
    }

    [Fact]
    public void Count_AlwaysOnBeads_AreRemovedByTheFrameDifference()
    {
        (double withBeads, double bright) = CountAgainstTruth(2.0, fiducials: true, frames: 400);

        // Truth without the beads: the beads (four, always on) must not be counted.
        Assert.InRange(withBeads / bright, 0.85, 1.15);
    }

    [Fact]
    public void Count_WrongFrameSize_NamesBothSizes()
    {
        var estimator = new FitFreeDensityEstimator(64, 64, 1.3, 100, 0.5);
        var e = Assert.Throws<ArgumentException>(() => estimator.Count(new Frame(32, 64)));
        Assert.Contains("64×64", e.Message, StringComparison.Ordinal);
        Assert.Contains("32×64", e.Message, StringComparison.Ordinal);
    }

    private static (double Counted, double Bright) CountAgainstTruth(double activationMw, bool fiducials, int frames)
    {
        HardwareProfile profile = ClosedLoop.FeedbackProfile;
        SimulationProfile simulation = profile.Simulation! with
        {
            Sample = profile.Simulation!.Sample with
            {
                Uniform = new UniformSettings { DensityPerUm2 = 300 },
                Fiducials = fiducials ? new FiducialSettings { Count = 4, PhotonsPerFrame = 20_000 } : null,
            },
        };
        SimulationSettings settings = (profile with { Simulation = simulation }).ToSimulationSettings() with { ActivationPowerMw = activationMw };
        using var camera = new SimulatedCamera(settings, seed: 21, frameLimit: frames);
        var estimator = new FitFreeDensityEstimator(camera.Width, camera.Height, settings.Optics.SigmaNm / profile.Camera.PixelSizeNm, profile.Camera.BaselineAdu, profile.Camera.ElectronsPerAdu / profile.Camera.EmGain);
        var frame = new Frame(camera.Width, camera.Height);
        double counted = 0, bright = 0;
        for (int i = 0; camera.TryReadNext(frame); i++)
        {
            int n = estimator.Count(frame);
            if (i >= 100)
            {
                counted += n;
                bright += camera.LastFrameTruth.Count(e => !camera.IsFiducial(e.Id) && e.Photons >= 500);
            }
        }

        return (counted, bright);
    }
}
