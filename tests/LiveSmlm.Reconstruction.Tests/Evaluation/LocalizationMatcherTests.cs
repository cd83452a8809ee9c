using System.Text.Json;
using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction.Tests;

/// <summary>
/// The SMLM Challenge matcher on hand-built cases whose counts, RMSE and efficiency are worked out
/// here by hand (Sage et al. 2019 formulas), including cases where greedy nearest-neighbour matching
/// gives the wrong answer.
/// </summary>
public sealed class LocalizationMatcherTests
{
    private static Localization Loc(int frame, double x, double y, double z = double.NaN) =>
        Localization.Create(frame, (float)x, (float)y, 1000) with { ZNm = (float)z };

    private static GroundTruthEmitter Truth(long frame, double x, double y, double z = 0) => new(0, frame, x, y, z, 1000);

    [Fact]
    public void Evaluate_WhereGreedyLosesAPair_FindsBothPairs()
    {
        // L1 is nearer T2 (90 nm) than T1 (110 nm). Greedy takes L1–T2, then L2 (220 nm from T2,
        // 420 nm from T1) has nothing left within 250 nm: TP 1. The optimum pairs L1–T1 and L2–T2.
        GroundTruthEmitter[] truth = [Truth(0, 1000, 1000), Truth(0, 1200, 1000)];
        Localization[] locs = [Loc(0, 1110, 1000), Loc(0, 1420, 1000)];

        EvaluationResult r = LocalizationMatcher.Evaluate(locs, truth);

        Assert.Equal((2L, 0L, 0L), (r.Tp, r.Fp, r.Fn));
        Assert.Equal(1.0, r.Jaccard);
        double rmse = Math.Sqrt(((110.0 * 110) + (220.0 * 220)) / 2); // 173.925 nm
        Assert.Equal(rmse, r.RmseLateralNm, 9);
        Assert.Equal(100 - rmse, r.EfficiencyLateral, 9);
        Assert.Equal(
            new[] { (0, 0), (1, 1) },
            LocalizationMatcher.Match(locs, truth).Select(m => (m.LocalizationIndex, m.TruthIndex)).Order().ToArray());
    }

    [Fact]
    public void Evaluate_WhereGreedyPicksALongerTotal_FindsShortestPairing()
    {
        // Greedy: L1–T2 (40) then L2–T1 (160), total 200. Optimal: L1–T1 (60) + L2–T2 (60) = 120.
        GroundTruthEmitter[] truth = [Truth(0, 1000, 1000), Truth(0, 1100, 1000)];
        Localization[] locs = [Loc(0, 1060, 1000), Loc(0, 1160, 1000)];

        EvaluationResult r = LocalizationMatcher.Evaluate(locs, truth);

        Assert.Equal(2, r.Tp);
        Assert.Equal(60.0, r.RmseLateralNm, 9);
    }

    [Fact]
    public void Evaluate_MixedFrame_GivesHandComputedScores()
    {
        GroundTruthEmitter[] truth = [Truth(4, 1000, 1000), Truth(4, 2000, 1000), Truth(4, 3000, 1000)];
        Localization[] locs =
        [
            Loc(4, 1030, 1040),  // 50 nm from T1
            Loc(4, 2000, 1100),  // 100 nm from T2
            Loc(4, 3000, 1300),  // 300 nm from T3: beyond 250, FP (and T3 an FN)
            Loc(4, 9000, 9000),  // nothing near: FP
        ];

        EvaluationResult r = LocalizationMatcher.Evaluate(locs, truth);

        // TP 2, FP 2, FN 1; JI = 2/5; recall 2/3; precision 2/4; RMSE = √((50² + 100²)/2) = √6250;
        // E = 100 − √((100 · 0.6)² + 6250) = 100 − √9850.
        Assert.Equal((2L, 2L, 1L), (r.Tp, r.Fp, r.Fn));
        Assert.Equal(0.4, r.Jaccard, 12);
        Assert.Equal(2.0 / 3, r.Recall, 12);
        Assert.Equal(0.5, r.Precision, 12);
        Assert.Equal(Math.Sqrt(6250), r.RmseLateralNm, 9);
        Assert.Equal(100 - Math.Sqrt(9850), r.EfficiencyLateral, 9);
        Assert.True(double.IsNaN(r.RmseAxialNm));
        Assert.True(double.IsNaN(r.EfficiencyAxial));
    }

    [Fact]
    public void Evaluate_PairExactlyAtRadius_IsMatchedAndJustBeyondIsNot()
    {
        // Offset (150, 200) is exactly 250 nm (a 3-4-5 triangle, exact in binary).
        GroundTruthEmitter[] truth = [Truth(0, 500, 500)];

        Assert.Equal(1, LocalizationMatcher.Evaluate([Loc(0, 650, 700)], truth).Tp);
        Assert.Equal(0, LocalizationMatcher.Evaluate([Loc(0, 650, 700.1)], truth).Tp);
        Assert.Equal(0, LocalizationMatcher.Evaluate([Loc(0, 650, 700)], truth, radiusNm: 249.9).Tp);
        Assert.Equal(1, LocalizationMatcher.Evaluate([Loc(0, 650, 700.1)], truth, radiusNm: 251).Tp);
    }

    [Fact]
    public void Evaluate_SamePositionInAnotherFrame_IsNeverMatched()
    {
        GroundTruthEmitter[] truth = [Truth(0, 500, 500), Truth(3, 800, 800)];
        Localization[] locs = [Loc(1, 500, 500), Loc(2, 800, 800), Loc(3, 810, 800)];

        EvaluationResult r = LocalizationMatcher.Evaluate(locs, truth);

        Assert.Equal((1L, 2L, 1L), (r.Tp, r.Fp, r.Fn));
        Assert.Equal(10.0, r.RmseLateralNm, 4);
    }

    [Fact]
    public void Evaluate_NothingMatched_HasZeroJaccardAndNoRmse()
    {
        EvaluationResult r = LocalizationMatcher.Evaluate([Loc(0, 0, 0)], [Truth(0, 5000, 5000)]);

        Assert.Equal((0L, 1L, 1L), (r.Tp, r.Fp, r.Fn));
        Assert.Equal(0.0, r.Jaccard);
        Assert.True(double.IsNaN(r.RmseLateralNm));
    }

    [Fact]
    public void Evaluate_3D_GivesAxialRmseAndEfficiency()
    {
        GroundTruthEmitter[] truth = [Truth(0, 1000, 1000, 100), Truth(0, 3000, 1000, -200)];
        Localization[] locs = [Loc(0, 1003, 1004, 130), Loc(0, 3006, 1008, -240)];

        EvaluationResult r = LocalizationMatcher.Evaluate(locs, truth);

        // Lateral 5 and 10 nm: RMSE √62.5; axial +30 and −40 nm: RMSE √1250; JI = 1.
        Assert.Equal(Math.Sqrt(62.5), r.RmseLateralNm, 4);
        Assert.Equal(Math.Sqrt(1250), r.RmseAxialNm, 4);
        Assert.Equal(100 - Math.Sqrt(62.5), r.EfficiencyLateral, 4);
        Assert.Equal(100 - Math.Sqrt(0.25 * 1250), r.EfficiencyAxial, 4); // α_axial = 0.5 nm⁻¹

        // An axial limit of 35 nm forbids the pair that is 40 nm apart in z.
        EvaluationResult gated = LocalizationMatcher.Evaluate(locs, truth, axialRadiusNm: 35);
        Assert.Equal((1L, 1L, 1L), (gated.Tp, gated.Fp, gated.Fn));
        Assert.Equal(30.0, gated.RmseAxialNm, 4);
    }

    [Fact]
    public void Evaluate_NaNLocalization_CountsAsFalsePositive()
    {
        EvaluationResult r = LocalizationMatcher.Evaluate([Loc(0, double.NaN, 500), Loc(0, 500, 500)], [Truth(0, 500, 500)]);
        Assert.Equal((1L, 1L, 0L), (r.Tp, r.Fp, r.Fn));
    }

    [Fact]
    public void Evaluate_NormalizedErrorRms_IsTheRmsOfErrorOverReportedUncertainty()
    {
        // Pair 1: Δ = (10, 0) nm with σ = (10, 20): terms 1 and 0; pair 2: Δ = (0, −30) with σ = (5, 10): 0 and 9.
        var a = Loc(0, 1010, 1000) with { UncertaintyXNm = 10, UncertaintyYNm = 20 };
        var b = Loc(1, 2000, 1970) with { UncertaintyXNm = 5, UncertaintyYNm = 10 };
        EvaluationResult r = LocalizationMatcher.Evaluate([a, b], [Truth(0, 1000, 1000), Truth(1, 2000, 2000)]);
        Assert.Equal(Math.Sqrt(10.0 / 4), r.NormalizedErrorRms, 6);

        // Without reported uncertainties there is nothing to calibrate.
        Assert.True(double.IsNaN(LocalizationMatcher.Evaluate([Loc(0, 1010, 1000)], [Truth(0, 1000, 1000)]).NormalizedErrorRms));
    }

    [Fact]
    public void ToJson_HasExactlyTheSnakeCaseKeysAndNullForNaN()
    {
        EvaluationResult r = LocalizationMatcher.Evaluate([Loc(0, 1030, 1040), Loc(0, 9000, 9000)], [Truth(0, 1000, 1000)]);

        using JsonDocument doc = JsonDocument.Parse(r.ToJson());
        JsonElement root = doc.RootElement;
        Assert.Equal(
            ["jaccard", "recall", "precision", "rmse_lateral_nm", "rmse_axial_nm", "efficiency_lateral", "efficiency_axial", "normalized_error_rms", "tp", "fp", "fn"],
            root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(0.5, root.GetProperty("jaccard").GetDouble(), 12);
        Assert.Equal(50.0, root.GetProperty("rmse_lateral_nm").GetDouble(), 9);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("rmse_axial_nm").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("efficiency_axial").ValueKind);
        Assert.Equal(1, root.GetProperty("tp").GetInt64());
        Assert.Equal(1, root.GetProperty("fp").GetInt64());
        Assert.Equal(0, root.GetProperty("fn").GetInt64());
    }

    [Fact]
    public void Evaluate_BadRadius_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LocalizationMatcher.Evaluate([], [], radiusNm: 0));
        Assert.Contains("radiusNm", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => LocalizationMatcher.Evaluate([], [], axialRadiusNm: double.NaN));
    }
}
