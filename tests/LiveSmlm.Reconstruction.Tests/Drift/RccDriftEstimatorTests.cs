using Xunit.Abstractions;

namespace LiveSmlm.Reconstruction.Tests.Drift;

public sealed class RccDriftEstimatorTests
{
    private readonly ITestOutputHelper _output;

    public RccDriftEstimatorTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Rcc_LinearPlusSineDrift_TraceWithinFiveNmRms()
    {
        // simulated-drift.json: 50 nm linear + 20 nm sine per axis over 20,000 frames. 10 dye
        // localizations per frame (0.4 per µm² of the 5.1 µm field) with 10 nm precision: 200,000 in all.
        var scenario = DriftScenario.Build("simulated-drift.json", 20_000, 51, 10, 10, 0, seed: 7);
        var estimator = new RccDriftEstimator(new RccOptions { WidthNm = scenario.WidthNm, HeightNm = scenario.HeightNm, WindowFrames = 1000 });
        estimator.Add(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(scenario.Localizations));

        DriftTrace trace = estimator.Estimate();

        double rms = trace.RmsDifferenceNm(scenario.Truth, removeMeanOffset: true);
        _output.WriteLine($"RCC RMS error {rms:F2} nm, rejected pairs {estimator.LastRejectedPairs}, windows {estimator.LastWindows.Count}");
        Assert.Equal(20_000, trace.FrameCount);
        Assert.InRange(rms, 0, 5);
    }
}
