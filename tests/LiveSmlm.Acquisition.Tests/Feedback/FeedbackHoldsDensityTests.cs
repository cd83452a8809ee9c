namespace LiveSmlm.Acquisition.Tests.Feedback;

/// <summary>
/// The activation feedback closed around the simulated bleaching dSTORM sample (hardware-profiles/simulated-feedback.json,
/// the real rig physics, the fit-free density): it holds the density for 20,000 frames while the dyes run out.
/// </summary>
public class FeedbackHoldsDensityTests
{
    private const int Frames = 20_000;
    private const int SettleFrames = 500;
    private const int Window = 100;

    [Fact]
    public void Feedback_OnABleachingSample_HoldsTheDensityWithin15PercentOfSetpointFor20000Frames()
    {
        ClosedLoopRun run = ClosedLoop.Run(ClosedLoop.FeedbackProfile, seed: 5, Frames, feedback: true);
        double setpoint = run.Setpoint[0];

        double[] measured = ClosedLoop.WindowMeans(run.Measured, SettleFrames, Window);
        Assert.Equal((Frames - SettleFrames) / Window, measured.Length);
        string outside = string.Join(", ", measured.Select((m, w) => (m, w)).Where(x => Math.Abs(x.m - setpoint) > 0.15 * setpoint).Select(x => $"{x.m:F1} at frame {SettleFrames + (x.w * Window)}"));
        Assert.True(outside.Length == 0, $"windows outside ±15 % of {setpoint}: {outside}");

        // The sample's own truth (dyes on per frame) is held as steady, and the controller had to work for it:
        // the dyes bleach, so the power at the end is well above the power that held the density early on.
        double[] truth = ClosedLoop.WindowMeans(run.TrueOn, SettleFrames, Window);
        double meanTruth = truth.Average();
        Assert.All(truth, t => Assert.InRange(t, 0.85 * meanTruth, 1.15 * meanTruth));
        double early = run.PowerMw.Skip(1000).Take(1000).Average(), late = run.PowerMw.Skip(Frames - 1000).Average();
        Assert.True(late > 2 * early, $"405 power {early:F2} mW early and {late:F2} mW late: the controller should have raised it as the dyes bleach.");
        Assert.False(run.Controller!.IsExhausted);
    }
}

/// <summary>The same bleaching sample and starting power without feedback: the density falls by more than half.</summary>
public class NoFeedbackLosesDensityTests
{
    [Fact]
    public void NoFeedback_SameSampleAndStartingPower_LosesMoreThanHalfTheDensityIn20000Frames()
    {
        ClosedLoopRun run = ClosedLoop.Run(ClosedLoop.FeedbackProfile, seed: 5, 20_000, feedback: false);

        double[] truth = ClosedLoop.WindowMeans(run.TrueOn, 500, 100);
        double[] measured = ClosedLoop.WindowMeans(run.Measured, 500, 100);
        Assert.All(run.PowerMw, p => Assert.Equal(run.PowerMw[0], p));
        Assert.True(truth[^1] < 0.5 * truth.Max(), $"true density {truth.Max():F1} at its peak, {truth[^1]:F1} at the end");
        Assert.True(measured[^1] < 0.5 * measured.Max(), $"measured density {measured.Max():F1} at its peak, {measured[^1]:F1} at the end");
    }
}

/// <summary>A setpoint step during the acquisition: the density follows within 300 frames, without much overshoot.</summary>
public class FeedbackSetpointStepTests
{
    [Fact]
    public void SetpointStep_IsFollowedWithin15PercentIn300FramesWithLessThan30PercentOvershoot()
    {
        const int Step = 2000, Frames = 4000;
        const double Low = 18, High = 24;
        ClosedLoopRun run = ClosedLoop.Run(ClosedLoop.FeedbackProfile, seed: 9, Frames, feedback: true, f => f < Step ? Low : High);

        // 100-frame windows from the step on; "within 300 frames": every window from frame step + 200 (so covering
        // frames step + 200 … step + 300 and later) is within ±15 % of the new setpoint.
        double[] after = ClosedLoop.WindowMeans(run.Measured, Step, 100);
        Assert.All(after.Skip(2), m => Assert.InRange(m, 0.85 * High, 1.15 * High));
        double overshoot = (after.Max() - High) / (High - Low);
        Assert.True(overshoot < 0.30, $"overshoot {overshoot:P0} of the step");

        double[] before = ClosedLoop.WindowMeans(run.Measured, Step - 1000, 100).Take(10).ToArray();
        Assert.All(before, m => Assert.InRange(m, 0.85 * Low, 1.15 * Low));

        // The sample really has more dyes on after the step (its ground truth, not the controller's measurement).
        double trueBefore = run.TrueOn.Skip(Step - 1000).Take(1000).Average(), trueAfter = run.TrueOn.Skip(Step + 500).Average();
        Assert.True(trueAfter > 1.2 * trueBefore, $"true density {trueBefore:F1} before and {trueAfter:F1} after the step");
    }
}
