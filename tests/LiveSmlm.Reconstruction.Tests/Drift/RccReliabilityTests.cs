using System.Runtime.InteropServices;
using LiveSmlm.Core;
using LiveSmlm.Simulation;
using Xunit.Abstractions;

namespace LiveSmlm.Reconstruction.Tests.Drift;

/// <summary>
/// RCC must know when it knows nothing: on a sample without structure (every dye a new random site that blinks a few
/// times and bleaches, no drift) it reports the estimate unreliable, with a reason, and returns no trace; on the shipped
/// structured drift profile, dense or sparse, it is reliable and accurate against the simulator's drift.
/// </summary>
public sealed class RccReliabilityTests(ITestOutputHelper output)
{
    private const int Frames = 20_000;

    [Theory]
    [InlineData(18, 8)] // simulated-feedback.json's density: ~18 localizations per frame, ~8 per dye
    [InlineData(18, 1)] // every localization a new independent site
    [InlineData(0.5, 8)] // sparse: ~500 per window, few dyes
    public void Rcc_StructurelessSample_IsUnreliableAndInventsNoDrift(double perFrame, int blinksPerDye)
    {
        List<Localization> locs = RandomDyes(perFrame, blinksPerDye, 6400, seed: 3);
        var estimator = new RccDriftEstimator(new RccOptions { WidthNm = 6400, HeightNm = 6400, WindowFrames = 1000 });
        estimator.Add(CollectionsMarshal.AsSpan(locs));

        DriftEstimate estimate = estimator.EstimateWithReliability();

        DriftReliability r = estimate.Reliability;
        output.WriteLine($"{locs.Count} localizations: reliable {r.Reliable}, {r.SignificantPairs}/{r.Pairs} significant pairs: {r.Reason}");
        Assert.False(estimate.Reliable);
        Assert.Contains("correlation peak", r.Reason, StringComparison.Ordinal);
        Assert.Equal(190, r.Pairs);
        Assert.True(r.SignificantPairs < r.Pairs / 2);
        Assert.DoesNotContain("window(s)", r.Reason, StringComparison.Ordinal);
        Assert.Equal(locs[^1].Frame + 1, estimate.Trace.FrameCount);
        Assert.All(estimate.Trace.XNm, x => Assert.Equal(0, x));
        Assert.All(estimate.Trace.YNm, y => Assert.Equal(0, y));
    }

    [Theory]
    [InlineData(10, 1, 1.5)] // 10,000 localizations per window
    [InlineData(1, 3, 6)] // ~330 per window: sparse, still structured
    public void Rcc_StructuredSample_IsReliableAndAccurate(int perFrame, int keepEvery, double maxRmsNm)
    {
        var scenario = DriftScenario.Build("simulated-drift.json", Frames, 51, perFrame, 10, 0, seed: 7);
        var estimator = new RccDriftEstimator(new RccOptions { WidthNm = scenario.WidthNm, HeightNm = scenario.HeightNm, WindowFrames = 1000 });
        Localization[] kept = [.. scenario.Localizations.Where((_, i) => i % keepEvery == 0)];
        estimator.Add(kept);

        DriftEstimate estimate = estimator.EstimateWithReliability();

        double rms = estimate.Trace.RmsDifferenceNm(scenario.Truth, removeMeanOffset: true);
        DriftReliability r = estimate.Reliability;
        output.WriteLine($"{kept.Length} localizations: {r.SignificantPairs}/{r.Pairs} significant, residual {r.ResidualRmsNm:F2} nm (expected {r.ExpectedResidualRmsNm:F2}), RMS {rms:F2} nm");
        Assert.True(estimate.Reliable, r.Reason);
        Assert.Equal(string.Empty, r.Reason);
        Assert.True(r.SignificantPairs >= r.Pairs / 2);
        Assert.InRange(rms, 0, maxRmsNm);
    }

    [Fact]
    public void Rcc_TwoWindows_AreTooFewToTellStructureFromSharedMolecules()
    {
        var scenario = DriftScenario.Build("simulated-drift.json", 1900, 51, 10, 10, 0, seed: 7);
        var estimator = new RccDriftEstimator(new RccOptions { WidthNm = scenario.WidthNm, HeightNm = scenario.HeightNm, WindowFrames = 1000 });
        estimator.Add(CollectionsMarshal.AsSpan(scenario.Localizations));

        DriftEstimate estimate = estimator.EstimateWithReliability();

        Assert.False(estimate.Reliable);
        Assert.Contains("2 time window(s)", estimate.Reliability.Reason, StringComparison.Ordinal);
    }

    // Dyes at uniform random sites, switched on at a constant rate; each gives `blinks` localizations within ~600 frames
    // (simulated-feedback.json's dyes blink ~6 times over ~6 s) and then bleaches; 10 nm precision, no drift.
    internal static List<Localization> RandomDyes(double perFrame, int blinks, double fieldNm, ulong seed)
    {
        var rng = Xoshiro256.ForStream(seed, 1, 0);
        var locs = new List<Localization>();
        for (int f = 0; f < Frames; f++)
        {
            for (double p = perFrame / blinks; p > 0; p--)
            {
                if (rng.NextDouble() >= p)
                {
                    continue;
                }

                double x = rng.NextDouble() * fieldNm, y = rng.NextDouble() * fieldNm;
                for (int b = 0; b < blinks; b++)
                {
                    int frame = f + (blinks == 1 ? 0 : (int)(rng.NextDouble() * 600));
                    if (frame < Frames)
                    {
                        var l = Localization.Create(frame, (float)(x + (10 * RandomDistributions.StandardNormal(ref rng))), (float)(y + (10 * RandomDistributions.StandardNormal(ref rng))), 3000);
                        l.UncertaintyXNm = 10;
                        l.UncertaintyYNm = 10;
                        locs.Add(l);
                    }
                }
            }
        }

        locs.Sort((a, b) => a.Frame.CompareTo(b.Frame));
        return locs;
    }
}
