using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace LiveSmlm.Reconstruction.Tests.Drift;

public sealed class FiducialDriftEstimatorTests
{
    private readonly ITestOutputHelper _output;

    public FiducialDriftEstimatorTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Fiducials_LinearPlusSineDrift_TraceWithinTwoNmRms()
    {
        // simulated-drift-beads.json: the same drift with three beads of 20,000 photons/frame in every frame,
        // localized to 2 nm per axis (Mortensen's MLE bound for 20,000 photons, 94 nm PSF, 100 nm pixels is
        // ≈ 1 nm; twice that to be safe), among 10 dye localizations per frame at 10 nm.
        var scenario = DriftScenario.Build("simulated-drift-beads.json", 20_000, 102, 10, 10, 2, seed: 11);
        var estimator = new FiducialDriftEstimator(new FiducialOptions { MinPhotons = 10_000 });
        estimator.Add(CollectionsMarshal.AsSpan(scenario.Localizations));

        DriftTrace trace = estimator.Estimate();

        double rms = trace.RmsDifferenceNm(scenario.Truth, removeMeanOffset: true);
        _output.WriteLine($"fiducial RMS error {rms:F2} nm from {estimator.LastBeadCount} beads");
        Assert.Equal(3, estimator.LastBeadCount);
        Assert.Equal(20_000, trace.FrameCount);
        Assert.InRange(rms, 0, 2);
    }

    [Fact]
    public void Fiducials_FedInBatches_FindBeadsByPersistenceAlone()
    {
        // No brightness cut: the beads are the only tracks present in most frames; dyes blink and are forgotten.
        var scenario = DriftScenario.Build("simulated-drift-beads.json", 4_000, 64, 10, 10, 2, seed: 12);
        var estimator = new FiducialDriftEstimator(new FiducialOptions());
        var all = CollectionsMarshal.AsSpan(scenario.Localizations);
        for (int start = 0; start < all.Length; start += 997)
        {
            estimator.Add(all.Slice(start, Math.Min(997, all.Length - start)));
        }

        DriftTrace trace = estimator.Estimate();

        Assert.Equal(3, estimator.LastBeadCount);
        Assert.InRange(trace.RmsDifferenceNm(scenario.Truth, removeMeanOffset: true), 0, 2);
    }

    [Fact]
    public void Fiducials_NoBeads_GiveZeroTraceAndSaySo()
    {
        var scenario = DriftScenario.Build("simulated-drift.json", 2_000, 64, 10, 10, 2, seed: 13);
        var estimator = new FiducialDriftEstimator(new FiducialOptions());
        estimator.Add(CollectionsMarshal.AsSpan(scenario.Localizations));

        DriftTrace trace = estimator.Estimate();

        Assert.Equal(0, estimator.LastBeadCount);
        Assert.All(trace.XNm, v => Assert.Equal(0, v));
    }
}
