using LiveSmlm.Acquisition.Feedback;
using LiveSmlm.Core;
using LiveSmlm.Devices;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Devices.Simulated;

namespace LiveSmlm.Acquisition.Tests.Feedback;

/// <summary>What one closed-loop run saw, per frame.</summary>
internal sealed record ClosedLoopRun(double[] Measured, double[] TrueOn, double[] PowerMw, double[] Setpoint, ActivationController? Controller);

/// <summary>
/// The activation feedback closed around the real simulated rig without the localizer: the rig's camera
/// images its sample, the fit-free estimator counts the spots of each frame, the controller sets the rig's
/// 405 nm laser, which changes the sample's activation from the next frame. The ground truth (dyes on per
/// frame, from the sample) is recorded beside the measurement.
/// </summary>
internal static class ClosedLoop
{
    public static HardwareProfile FeedbackProfile =>
        HardwareProfile.Load(Path.Combine(AppContext.BaseDirectory, "hardware-profiles", "simulated-feedback.json"));

    /// <param name="setpointAt">The setpoint to use from each frame on (null: the profile's throughout).</param>
    public static ClosedLoopRun Run(HardwareProfile profile, ulong seed, int frames, bool feedback, Func<int, double>? setpointAt = null, double minTruePhotons = 500)
    {
        using var rig = new SimulatedRig(profile, seed);
        SimulatedLaser laser = rig.Laser(profile.FeedbackLaser!.Name);
        foreach (IDevice device in rig.Lasers.Cast<IDevice>().Append(rig.Camera))
        {
            device.Connect();
        }

        foreach (SimulatedLaser l in rig.Lasers)
        {
            l.SetEmission(true);
        }

        FeedbackProfile settings = profile.Feedback ?? new FeedbackProfile();
        double pixelUm = profile.Camera.PixelSizeNm / 1000;
        double areaUm2 = profile.Camera.WidthPx * pixelUm * profile.Camera.HeightPx * pixelUm;
        int current = 0;
        ActivationController? controller = feedback
            ? new ActivationController(settings, laser.Limits.MaxMw, laser.ReadState().SetPowerMw, areaUm2, p =>
            {
                laser.SetPowerMw(p);
                return current + 1;
            })
            : null;

        var estimator = new FitFreeDensityEstimator(profile.Camera.WidthPx, profile.Camera.HeightPx, profile.Optics.ToOpticsSettings().SigmaNm / profile.Camera.PixelSizeNm, profile.Camera.BaselineAdu, profile.Camera.ElectronsPerAdu / profile.Camera.EmGain);
        rig.Camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = frames, Pacing = FramePacing.AsFastAsPossible });
        var frame = new Frame(profile.Camera.WidthPx, profile.Camera.HeightPx);
        var measured = new double[frames];
        var trueOn = new double[frames];
        var power = new double[frames];
        var setpoint = new double[frames];
        for (current = 0; current < frames; current++)
        {
            if (controller is not null && setpointAt is not null)
            {
                controller.SetpointLocalizationsPerFrame = setpointAt(current);
            }

            power[current] = rig.Sample.ActivationPowerMw;
            if (!rig.Camera.TryReadFrameAsync(frame).AsTask().GetAwaiter().GetResult())
            {
                throw new InvalidOperationException($"The simulated camera ended after {current} of {frames} frames.");
            }

            trueOn[current] = rig.Sample.LastFrameTruth.Count(e => !rig.Sample.IsFiducial(e.Id) && e.Photons >= minTruePhotons);
            measured[current] = estimator.Count(frame);
            setpoint[current] = controller?.SetpointLocalizationsPerFrame ?? settings.SetpointLocalizationsPerFrame;
            controller?.AddFrame(current, measured[current]);
        }

        return new ClosedLoopRun(measured, trueOn, power, setpoint, controller);
    }

    /// <summary>Means over consecutive windows of <paramref name="window"/> frames starting at <paramref name="from"/>.</summary>
    public static double[] WindowMeans(double[] values, int from, int window) =>
        [.. Enumerable.Range(0, (values.Length - from) / window).Select(w => values.Skip(from + (w * window)).Take(window).Average())];
}
