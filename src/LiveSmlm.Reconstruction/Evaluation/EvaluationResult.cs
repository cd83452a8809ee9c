using System.Text;
using System.Text.Json;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// Detection and accuracy scores of a localization set against ground truth, as the SMLM Challenge 2016
/// reports them (Sage et al., Nat Methods 2019). Scores that cannot be computed are NaN.
/// </summary>
/// <param name="Tp">Matched pairs.</param>
/// <param name="Fp">Localizations left unmatched.</param>
/// <param name="Fn">Ground-truth emitters left unmatched.</param>
/// <param name="Jaccard">TP / (TP + FP + FN), 0–1.</param>
/// <param name="Recall">TP / (TP + FN).</param>
/// <param name="Precision">TP / (TP + FP).</param>
/// <param name="RmseLateralNm">√(mean over pairs of Δx² + Δy²), nm.</param>
/// <param name="RmseAxialNm">√(mean over pairs of Δz²), nm; NaN unless every pair has z on both sides.</param>
/// <param name="EfficiencyLateral">100 − √((100(1 − JI))² + (α_lat · RMSE_lat)²), α_lat = 1 nm⁻¹.</param>
/// <param name="EfficiencyAxial">The same with RMSE_axial and α_ax = 0.5 nm⁻¹.</param>
public sealed record EvaluationResult(
    long Tp,
    long Fp,
    long Fn,
    double Jaccard,
    double Recall,
    double Precision,
    double RmseLateralNm,
    double RmseAxialNm,
    double EfficiencyLateral,
    double EfficiencyAxial)
{
    /// <summary>Lateral weight of the RMSE in the efficiency, nm⁻¹ (Sage et al. 2019).</summary>
    public const double AlphaLateralPerNm = 1.0;

    /// <summary>Axial weight of the RMSE in the efficiency, nm⁻¹ (Sage et al. 2019).</summary>
    public const double AlphaAxialPerNm = 0.5;

    /// <summary>
    /// Calibration of the reported uncertainties: √(mean over pairs and axes of (Δ/σ)²), with σ the
    /// localization's UncertaintyX/Y; 1 when they are right. NaN when no pair reports them.
    /// </summary>
    public double NormalizedErrorRms { get; init; } = double.NaN;

    /// <summary>Efficiency E = 100 − √((100 · (1 − JI))² + α² · RMSE²) (Sage et al. 2019); NaN if RMSE is NaN.</summary>
    public static double Efficiency(double jaccard, double rmseNm, double alphaPerNm)
    {
        double detection = 100 * (1 - jaccard);
        double accuracy = alphaPerNm * rmseNm;
        return 100 - Math.Sqrt((detection * detection) + (accuracy * accuracy));
    }

    /// <summary>
    /// One JSON object with snake_case keys: jaccard, recall, precision, rmse_lateral_nm,
    /// rmse_axial_nm, efficiency_lateral, efficiency_axial, normalized_error_rms, tp, fp, fn. NaN values are written as null.
    /// </summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteNumber(json, "jaccard", Jaccard);
            WriteNumber(json, "recall", Recall);
            WriteNumber(json, "precision", Precision);
            WriteNumber(json, "rmse_lateral_nm", RmseLateralNm);
            WriteNumber(json, "rmse_axial_nm", RmseAxialNm);
            WriteNumber(json, "efficiency_lateral", EfficiencyLateral);
            WriteNumber(json, "efficiency_axial", EfficiencyAxial);
            WriteNumber(json, "normalized_error_rms", NormalizedErrorRms);
            json.WriteNumber("tp", Tp);
            json.WriteNumber("fp", Fp);
            json.WriteNumber("fn", Fn);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
