using LiveSmlm.Acquisition.Feedback;
using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;

namespace LiveSmlm.Acquisition.Tests.Feedback;

/// <summary>
/// The controller's contract on plants whose answer the test knows: density proportional to the power (or
/// none at all), frames fed one by one, power changes taking effect from the frame the test says.
/// </summary>
public class ActivationControllerTests
{
    private const double MaxMw = 100;
    private const double AreaUm2 = 40;

    private static readonly FeedbackProfile Settings = new()
    {
        SetpointLocalizationsPerFrame = 10,
        // Gains for a plant that answers within the window (the shipped profile's are for a sample whose dyes blink for seconds).
        ProportionalGain = 0.2,
        IntegralGain = 0.5,
        WindowFrames = 10,
        SettlingFrames = 4,
        LowPowerScaleMw = 0.5,
        MaxLogStep = 1.0,
        ExhaustedWindows = 5,
    };

    [Fact]
    public void AntiWindup_AfterALongSaturation_LeavesMaximumAtTheFirstWindowOnceTheDensityIsAbove()
    {
        var plant = new Plant(countsPerMw: 0.01);
        var controller = plant.Controller(Settings, initialMw: 50);

        plant.Run(controller, 400);
        Assert.Equal(MaxMw, controller.PowerMw);

        // The sample answers again (e.g. a fresh field): at max it now gives 100 per frame, ten times the setpoint.
        plant.CountsPerMw = 1;
        int updates = controller.Updates().Count;
        plant.RunUntilUpdates(controller, updates + 1);

        // The first window at the new density moves the power down at once (a wound-up integrator would hold it at max
        // for as many windows as it had been saturated): e goes from 0.9 (1 per frame) to −1 (clamped; 100 per frame).
        double expected = ((MaxMw + 0.5) * Math.Exp((0.5 * -1) + (0.2 * (-1 - 0.9)))) - 0.5;
        Assert.Equal(expected, controller.PowerMw, 9);
    }

    [Fact]
    public void BumplessTransfer_ManualToAutomatic_ContinuesFromTheManualPowerWithoutAProportionalKick()
    {
        var plant = new Plant(countsPerMw: 1);
        var controller = plant.Controller(Settings, initialMw: 0, FeedbackMode.Manual);
        controller.SetManualPowerMw(7);
        plant.Run(controller, 50);
        Assert.Equal(7, controller.PowerMw);
        Assert.Empty(controller.Updates());

        controller.SwitchToAutomatic();
        plant.RunUntilUpdates(controller, 1);

        // Density 7 per frame against 10: e = 0.3; the first step is the integral term alone.
        ControllerUpdate first = controller.Updates()[0];
        Assert.Equal(7, first.MeasuredPerFrame, 9);
        Assert.Equal(7, first.PowerBeforeMw);
        Assert.Equal(((7 + 0.5) * Math.Exp(0.5 * 0.3)) - 0.5, first.PowerAfterMw, 9);

        // Back to manual: the power stays where the controller left it, and the controller no longer moves it.
        double left = controller.PowerMw;
        controller.SwitchToManual();
        plant.Run(controller, 100);
        Assert.Equal(left, controller.PowerMw);
        Assert.Single(controller.Updates());
    }

    [Fact]
    public void ClosedLoop_ProportionalPlant_SettlesAtThePowerThatGivesTheSetpoint()
    {
        var plant = new Plant(countsPerMw: 0.5);
        var controller = plant.Controller(Settings, initialMw: 1);

        plant.Run(controller, 3000);

        Assert.Equal(20, controller.PowerMw, 3);
        Assert.Equal(10, controller.Snapshot().MeasuredPerFrame, 3);
        Assert.Equal(10 / AreaUm2, controller.Snapshot().MeasuredPerUm2, 3);
    }

    [Fact]
    public void Saturation_AtMaximumBelowSetpoint_IsReportedAsExhaustedAfterTheConfiguredWindows()
    {
        var plant = new Plant(countsPerMw: 0);
        var controller = plant.Controller(Settings, initialMw: MaxMw);
        var reports = new List<ActivationControllerSnapshot>();
        controller.Exhausted += reports.Add;

        plant.RunUntilUpdates(controller, Settings.ExhaustedWindows - 1);
        Assert.Empty(reports);
        Assert.True(controller.Snapshot().Saturated);
        Assert.False(controller.IsExhausted);

        plant.RunUntilUpdates(controller, Settings.ExhaustedWindows + 20);
        ActivationControllerSnapshot report = Assert.Single(reports);
        Assert.True(report.Exhausted);
        Assert.Equal(MaxMw, report.PowerMw);
        Assert.True(controller.IsExhausted);
    }

    [Fact]
    public void SettlingWait_FramesBeforeTheChangeHasSettled_AreNotMeasured()
    {
        // The change reaches the camera 37 frames after the frame measured last (a lagging localizer), then settles for 4.
        const int Lag = 37;
        var plant = new Plant(countsPerMw: 1) { Lag = Lag };
        var controller = plant.Controller(Settings, initialMw: 2);

        plant.RunUntilUpdates(controller, 3);

        IReadOnlyList<ControllerUpdate> updates = controller.Updates();
        for (int i = 1; i < updates.Count; i++)
        {
            Assert.Equal(updates[i - 1].AppliesFromFrame + Settings.SettlingFrames, updates[i].FirstFrame);
            Assert.Equal(Settings.WindowFrames, updates[i].Frames);

            // Every frame it averaged already had the power set before it: the measurement is that power's density.
            Assert.Equal(updates[i - 1].PowerAfterMw, updates[i].MeasuredPerFrame, 9);
        }
    }

    [Fact]
    public async Task LiveChanges_FromAnotherThread_AreValidatedWithTheFieldPathAndApplyToTheNextWindow()
    {
        var plant = new Plant(countsPerMw: 1);
        var controller = plant.Controller(Settings, initialMw: 10);
        var e = Assert.Throws<SettingException>(() => controller.SetpointLocalizationsPerFrame = -1);
        Assert.Equal("feedback.setpointLocalizationsPerFrame", e.Path);
        Assert.Throws<SettingException>(() => controller.SetGains(-1, 0.3));
        Assert.Throws<InvalidOperationException>(() => controller.SetManualPowerMw(5));

        await Task.Run(() => controller.SetpointPerUm2 = 20 / AreaUm2);
        Assert.Equal(20, controller.SetpointLocalizationsPerFrame, 9);
        plant.Run(controller, 3000);
        Assert.Equal(20, controller.PowerMw, 3);
    }

    /// <summary>A plant whose density per frame is countsPerMw × the power in effect at that frame, noise-free.</summary>
    private sealed class Plant(double countsPerMw)
    {
        private readonly List<(long From, double PowerMw)> _changes = [];
        private long _frame;

        public double CountsPerMw { get; set; } = countsPerMw;

        /// <summary>Frames between the last measured frame and the first frame a change reaches.</summary>
        public int Lag { get; init; }

        public ActivationController Controller(FeedbackProfile settings, double initialMw, FeedbackMode mode = FeedbackMode.Automatic)
        {
            _changes.Add((0, initialMw));
            return new ActivationController(settings, MaxMw, initialMw, AreaUm2, p =>
            {
                long from = _frame + 1 + Lag;
                _changes.Add((from, p));
                return from;
            }, mode);
        }

        public void Run(ActivationController controller, int frames)
        {
            for (int i = 0; i < frames; i++)
            {
                Step(controller);
            }
        }

        public void RunUntilUpdates(ActivationController controller, int updates)
        {
            for (int guard = 0; controller.Updates().Count < updates; guard++)
            {
                Assert.True(guard < 100_000, "the controller stopped updating");
                Step(controller);
            }
        }

        private void Step(ActivationController controller)
        {
            double power = _changes.Last(c => c.From <= _frame).PowerMw;
            controller.AddFrame(_frame, CountsPerMw * power);
            _frame++;
        }
    }
}
