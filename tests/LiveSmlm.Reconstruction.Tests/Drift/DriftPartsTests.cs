using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction.Tests.Drift;

/// <summary>The pieces of the drift estimate, each against a truth built by hand.</summary>
public sealed class DriftPartsTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(-0.45)]
    public void PeakOffset_ThreeSamplesOfAGaussian_FindsItsCentre(double centre)
    {
        // A Gaussian of σ = 1.3 bins sampled at −1, 0, +1 around its nearest bin.
        static double G(double x, double c) => 5 * Math.Exp(-((x - c) * (x - c)) / (2 * 1.3 * 1.3));
        Assert.Equal(centre, CrossCorrelation.PeakOffset(G(-1, centre), G(0, centre), G(1, centre)), 9);
    }

    [Fact]
    public void Solver_RedundantPairsWithOneCorrupted_RecoversTheWindowDrifts()
    {
        double[] x = [0, 3, 7, 12, 10, 4];
        double[] y = [0, -2, -5, -4, 1, 6];
        var pairs = new List<PairShift>();
        for (int i = 0; i < x.Length; i++)
        {
            for (int j = i + 1; j < x.Length; j++)
            {
                bool corrupt = i == 1 && j == 4;
                pairs.Add(new PairShift(i, j, x[j] - x[i] + (corrupt ? 200 : 0), y[j] - y[i]));
            }
        }

        (double[] sx, double[] sy, int rejected) = RedundantShiftSolver.Solve(x.Length, pairs, outlierThresholdNm: 20);

        Assert.Equal(1, rejected);
        for (int k = 0; k < x.Length; k++)
        {
            Assert.Equal(x[k], sx[k], 9);
            Assert.Equal(y[k], sy[k], 9);
        }
    }

    [Fact]
    public void Solver_OutlierThatHoldsTheGraphTogether_IsKept()
    {
        // Window 2 is linked only through one bad pair: rejecting it would leave window 2 unknown.
        var pairs = new List<PairShift> { new(0, 1, 5, 0), new(1, 2, 500, 0) };
        (double[] sx, _, int rejected) = RedundantShiftSolver.Solve(3, pairs, outlierThresholdNm: 20);
        Assert.Equal(0, rejected);
        Assert.Equal(505, sx[2], 9);
    }

    [Fact]
    public void Trace_Correct_SubtractsTheDriftOfEachFrameAndFlagsIt()
    {
        var trace = new DriftTrace([0, 10, 20], [0, -5, -10]);
        Localization[] locs = [Localization.Create(1, 100, 100, 1), Localization.Create(7, 100, 100, 1)];

        Localization[] corrected = trace.Correct(locs);

        Assert.Equal(90, corrected[0].XNm);
        Assert.Equal(105, corrected[0].YNm);
        Assert.Equal(80, corrected[1].XNm); // past the last frame: the last value holds
        Assert.True(corrected[1].Flags.HasFlag(LocalizationFlags.DriftCorrected));
        Assert.Equal(100, locs[0].XNm);
    }

    [Fact]
    public void Rcc_FedBatchByBatch_TracksTheTruthAtEveryUpdate()
    {
        var scenario = DriftScenario.Build("simulated-drift.json", 8_000, 32, 10, 10, 0, seed: 8);
        var estimator = new RccDriftEstimator(new RccOptions { WidthNm = scenario.WidthNm, HeightNm = scenario.HeightNm, WindowFrames = 1000 });
        var all = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(scenario.Localizations);
        int perHalf = all.Length / 2;

        estimator.Add(all[..perHalf]);
        DriftTrace half = estimator.Estimate();
        estimator.Add(all[perHalf..]);
        DriftTrace full = estimator.Estimate();

        Assert.Equal(4_000, half.FrameCount);
        Assert.Equal(8_000, full.FrameCount);
        Assert.InRange(half.RmsDifferenceNm(scenario.Truth, removeMeanOffset: true), 0, 5);
        Assert.InRange(full.RmsDifferenceNm(scenario.Truth, removeMeanOffset: true), 0, 5);
        Assert.Equal(8, estimator.LastWindows.Count);
    }

    [Theory]
    [InlineData(0, 1000, 40, "WidthNm")]
    [InlineData(1000, 1000, 0, "BinNm")]
    [InlineData(1e6, 1000, 10, "BinNm")]
    public void RccOptions_OutOfRange_NameTheSetting(double width, double height, double bin, string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => new RccDriftEstimator(new RccOptions { WidthNm = width, HeightNm = height, BinNm = bin }));
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plot_WritesAPngThatPngcheckAccepts()
    {
        using var file = new TempFile("drift.png");
        var trace = new DriftTrace([.. Enumerable.Range(0, 500).Select(f => f * 0.1)], [.. Enumerable.Range(0, 500).Select(f => Math.Sin(f / 50.0))]);

        DriftPlot.WritePng(file.Path, trace, "test", reference: trace, widthPx: 640, heightPx: 320);

        ExternalTool.Result check = ExternalTool.Run("pngcheck", file.Path);
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
        Assert.Contains("640x320", check.Stdout, StringComparison.Ordinal);
    }
}
