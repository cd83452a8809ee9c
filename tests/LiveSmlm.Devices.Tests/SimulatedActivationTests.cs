using LiveSmlm.Core;
using LiveSmlm.Devices.Simulated;
using LiveSmlm.Simulation;

namespace LiveSmlm.Devices.Tests;

/// <summary>
/// The simulated 405 nm laser is a separate device that acts on the rig's sample: its power, set from
/// a control thread while the camera reads, changes how many dyes are on, as the profile's rates predict.
/// </summary>
public class SimulatedActivationTests
{
    private const int FramesPerStep = 100;
    private const double LowMw = 5;
    private const double HighMw = 30;

    [Fact]
    public async Task ActivationLaserPower_SetFromAControlThread_ChangesTheEmittersOnAsTheRateModelPredicts()
    {
        using SimulatedRig rig = TestRigs.Rig(seed: 11, uniformDensityPerUm2: 400);
        SimulatedLaser activation = rig.Laser("405");
        SimulatedLaser excitation = rig.Laser("640");
        foreach (IDevice device in new IDevice[] { rig.Camera, activation, excitation })
        {
            device.Connect();
        }

        activation.SetPowerMw(LowMw);
        activation.SetEmission(true);
        excitation.SetEmission(true);
        rig.Camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = 2 * FramesPerStep, Pacing = FramePacing.AsFastAsPossible });

        var frame = new Frame(rig.Camera.Roi.Width, rig.Camera.Roi.Height);
        var observed = new double[2 * FramesPerStep];
        for (int i = 0; i < observed.Length; i++)
        {
            if (i == FramesPerStep)
            {
                await Task.Run(() => activation.SetPowerMw(HighMw));
            }

            Assert.True(await rig.Camera.TryReadFrameAsync(frame));
            observed[i] = rig.Sample.LastFrameTruth.Count(e => !rig.Sample.IsFiducial(e.Id));
        }

        Assert.Equal(HighMw, rig.Sample.ActivationPowerMw);
        double[] powers = [.. Enumerable.Repeat(LowMw, FramesPerStep), .. Enumerable.Repeat(HighMw, FramesPerStep)];
        double[] expected = ExpectedEmittersOn(rig.Profile.Simulation!.Photophysics, rig.Sample.Labels.Count, 0.01, 0.01, powers);

        // Steady state at the low power, the first frames after the change (it acts at once), and the new steady state.
        AssertClose(expected, observed, 20, FramesPerStep, 0.10);
        AssertClose(expected, observed, FramesPerStep, FramesPerStep + 5, 0.15);
        AssertClose(expected, observed, FramesPerStep + 20, 2 * FramesPerStep, 0.10);
        Assert.True(Mean(observed, FramesPerStep, FramesPerStep + 5) > 3 * Mean(observed, 20, FramesPerStep));
    }

    [Fact]
    public async Task PowerChangesFromAControlThread_WhileTheCameraRenders_AlwaysLeaveTheSampleWithTheLaserPower()
    {
        using SimulatedRig rig = TestRigs.Rig(seed: 3);
        SimulatedLaser activation = rig.Laser("405");
        activation.Connect();
        activation.SetEmission(true);
        rig.Camera.Connect();
        rig.Camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = 40, Pacing = FramePacing.AsFastAsPossible });

        using var done = new CancellationTokenSource();
        Task control = Task.Run(() =>
        {
            for (int i = 0; !done.IsCancellationRequested; i++)
            {
                activation.SetPowerMw(i % 2 == 0 ? 50 : 2);
            }
        });

        var frame = new Frame(64, 64);
        int frames = 0;
        while (await rig.Camera.TryReadFrameAsync(frame))
        {
            frames++;
        }

        await done.CancelAsync();
        await control;
        Assert.Equal(40, frames);
        Assert.Equal(activation.ReadState().SetPowerMw, rig.Sample.ActivationPowerMw);
    }

    private static void AssertClose(double[] expected, double[] observed, int from, int to, double relativeTolerance)
    {
        double e = Mean(expected, from, to);
        double o = Mean(observed, from, to);
        Assert.True(
            Math.Abs((o / e) - 1) < relativeTolerance,
            $"frames {from}–{to - 1}: {o:F1} dyes on per frame, the rate model expects {e:F1} (±{relativeTolerance:P0}).");
    }

    private static double Mean(double[] values, int from, int to) => values[from..to].Average();

    /// <summary>
    /// The mean-field rate equations of the profile's dye model, integrated independently of the
    /// simulator's event sampling: inactive I → active A at k(P) = spontaneous + crossSection · P;
    /// A → dark D at kOff, A → bleached at kBleach; D → A at kReturn. A dye is seen in a frame when it is
    /// active at the exposure's start or switches on during it: E[seen] = A(t) + ∫ (k I + kReturn D) dt.
    /// </summary>
    private static double[] ExpectedEmittersOn(PhotophysicsSettings p, int dyes, double periodS, double exposureS, double[] powerMwPerFrame)
    {
        const int Steps = 400;
        double dt = periodS / Steps;
        double inactive = dyes, active = 0, dark = 0;
        var seen = new double[powerMwPerFrame.Length];
        for (int f = 0; f < seen.Length; f++)
        {
            double k = p.SpontaneousActivationPerS + (p.ActivationCrossSectionPerSPerMw * powerMwPerFrame[f]);
            double switchedOn = 0;
            double activeAtStart = active;
            for (int s = 0; s < Steps; s++)
            {
                double on = (k * inactive) + (p.ReturnPerS * dark);
                if ((s + 0.5) * dt < exposureS)
                {
                    switchedOn += on * dt;
                }

                double dI = -k * inactive;
                double dA = on - ((p.OffSwitchingPerS + p.BleachingPerS) * active);
                double dD = (p.OffSwitchingPerS * active) - (p.ReturnPerS * dark);
                inactive += dI * dt;
                active += dA * dt;
                dark += dD * dt;
            }

            seen[f] = activeAtStart + switchedOn;
        }

        return seen;
    }
}
