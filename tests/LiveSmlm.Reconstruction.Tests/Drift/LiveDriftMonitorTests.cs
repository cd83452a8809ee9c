using System.Runtime.InteropServices;
using LiveSmlm.Core;
using Xunit.Abstractions;

namespace LiveSmlm.Reconstruction.Tests.Drift;

/// <summary>
/// The live drift monitor fed as acquire feeds it (batches of 32 frames, in order) with the localizations of the
/// shipped drift profiles over 20,000 frames: each live update, and the final trace, against the simulator's drift.
/// </summary>
public sealed class LiveDriftMonitorTests(ITestOutputHelper output)
{
    private const int Frames = 20_000;
    private const int BatchFrames = 32;

    [Fact]
    public void LiveRcc_ShippedDriftProfile_EveryUpdateAndTheFinalTraceWithinFiveNmRms()
    {
        var scenario = DriftScenario.Build("simulated-drift.json", Frames, 51, 10, 10, 0, seed: 7);
        var monitor = new LiveDriftMonitor(new RccOptions { WidthNm = scenario.WidthNm, HeightNm = scenario.HeightNm, WindowFrames = 1000 }, fiducials: null, updateFrames: 2000);

        List<DriftEstimate> updates = Feed(monitor, scenario);
        DriftEstimate final = monitor.Finish();

        Assert.Equal(DriftMethod.Rcc, final.Method);
        Assert.True(final.Reliable, final.Reliability.Reason);
        Assert.Equal(Frames, final.Trace.FrameCount);
        AssertUpdates(updates, scenario, maxRmsNm: 5);
        double rms = final.Trace.RmsDifferenceNm(scenario.Truth, removeMeanOffset: true);
        output.WriteLine($"live RCC: {updates.Count} updates, final RMS {rms:F2} nm");
        Assert.InRange(rms, 0, 5);
    }

    [Fact]
    public void LiveFiducials_ShippedBeadsProfile_EveryUpdateAndTheFinalTraceWithinTwoNmRms()
    {
        var scenario = DriftScenario.Build("simulated-drift-beads.json", Frames, 102, 10, 10, 2, seed: 11);
        var monitor = new LiveDriftMonitor(new RccOptions { WidthNm = scenario.WidthNm, HeightNm = scenario.HeightNm, WindowFrames = 1000 }, new FiducialOptions(), updateFrames: 2000);

        List<DriftEstimate> updates = Feed(monitor, scenario);
        DriftEstimate final = monitor.Finish();

        Assert.Equal(DriftMethod.Fiducials, final.Method);
        Assert.Equal(3, final.Beads);
        AssertUpdates(updates, scenario, maxRmsNm: 2);
        double rms = final.Trace.RmsDifferenceNm(scenario.Truth, removeMeanOffset: true);
        output.WriteLine($"live fiducials: {updates.Count} updates, final RMS {rms:F2} nm");
        Assert.InRange(rms, 0, 2);
    }

    private static List<DriftEstimate> Feed(LiveDriftMonitor monitor, DriftScenario scenario)
    {
        var updates = new List<DriftEstimate>();
        Span<Localization> all = CollectionsMarshal.AsSpan(scenario.Localizations);
        int start = 0;
        for (int first = 0; first < Frames; first += BatchFrames)
        {
            int end = start;
            while (end < all.Length && all[end].Frame < first + BatchFrames)
            {
                end++;
            }

            if (monitor.Add(all[start..end], first + BatchFrames - 1) is { } estimate)
            {
                updates.Add(estimate);
                Assert.Same(estimate, monitor.Latest);
            }

            start = end;
        }

        return updates;
    }

    // Every live trace covers the frames seen so far and, from the second RCC window on, follows the truth there.
    private static void AssertUpdates(List<DriftEstimate> updates, DriftScenario scenario, double maxRmsNm)
    {
        Assert.InRange(updates.Count, (Frames / 2000) - 1, Frames / 2000);
        // The first RCC update has two 1000-frame windows: too few to tell structure from shared molecules.
        Assert.All(updates.Skip(1), u => Assert.True(u.Reliable, u.Reliability.Reason));
        foreach (DriftEstimate u in updates.Skip(1))
        {
            int n = u.Trace.FrameCount;
            var truth = new DriftTrace([.. scenario.Truth.XNm.Take(n)], [.. scenario.Truth.YNm.Take(n)]);
            double rms = u.Trace.RmsDifferenceNm(truth, removeMeanOffset: true);
            Assert.True(rms <= maxRmsNm, $"live update over {n} frames: RMS {rms:F2} nm against the simulator's drift");
        }
    }
}
