using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveSmlm.Localization;

/// <summary>One axis of the astigmatic curve in physical units (σ0 in nm), as the calibration file holds it.</summary>
public sealed record CurveNm(double Sigma0Nm, double CNm, double DNm, double A, double B)
{
    /// <summary>The per-ROI curve in camera pixels.</summary>
    public AstigmaticCurve ToPixels(double pixelSizeNm) => new((float)(Sigma0Nm / pixelSizeNm), (float)CNm, (float)DNm, (float)A, (float)B);

    /// <summary>σ(z), nm.</summary>
    public double SigmaNm(double zNm) => AstigmaticCurveFit.Model([Sigma0Nm, CNm, DNm, A, B], zNm);
}

/// <summary>The averaged, aligned bead stack a cubic-spline PSF is built from: WindowPx² samples per slice, each slice summing to 1.</summary>
public sealed record SplineSamples(int WindowPx, int ZSamples, double ZStartNm, double ZStepNm, float[] Samples)
{
    public SplineGrid Grid => new(WindowPx, ZSamples, (float)ZStartNm, (float)ZStepNm);
}

/// <summary>How good a calibration is: what was used and excluded, how well the curves fit, how well it finds its own beads' z.</summary>
public sealed record CalibrationQuality
{
    public int BeadsFound { get; init; }

    public int BeadsUsed { get; init; }

    /// <summary>One line per excluded bead: where, and why.</summary>
    public IReadOnlyList<string> Excluded { get; init; } = [];

    /// <summary>RMS residual of the σx(z) and σy(z) fits over the inliers, nm.</summary>
    public double ResidualXNm { get; init; }

    public double ResidualYNm { get; init; }

    /// <summary>The calibration's own beads fitted back over the usable range: RMS of (fitted − stage) z, nm, per model.</summary>
    public double SelfZRmsGauss3DNm { get; init; }

    public double SelfZRmsSplineNm { get; init; }
}

/// <summary>
/// A 3D PSF calibration from a bead z-stack: the astigmatic curves (Huang et al. 2008, z = 0 where σx = σy),
/// the cubic-spline PSF samples (Li et al. 2018), the usable z range and the quality. Saved as JSON
/// (`calib.json`); the spline's coefficients are rebuilt from the samples on load.
/// </summary>
public sealed record PsfCalibration3D
{
    /// <summary>What the file's "format" field says.</summary>
    public const string FormatName = "livesmlm-3d-calibration";

    public string Format { get; init; } = FormatName;

    public int Version { get; init; } = 1;

    public double PixelSizeNm { get; init; }

    /// <summary>z step of the bead stack it was made from, nm.</summary>
    public double ZStepNm { get; init; }

    public required CurveNm X { get; init; }

    public required CurveNm Y { get; init; }

    /// <summary>z range over which fits are trusted, nm (z = 0 where σx = σy).</summary>
    public double ZMinNm { get; init; }

    public double ZMaxNm { get; init; }

    /// <summary>Spline samples; null for a calibration that has only the curves (e.g. read from Picasso).</summary>
    public SplineSamples? Spline { get; init; }

    public CalibrationQuality Quality { get; init; } = new();

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads and checks a calibration; errors name the file and what is wrong.</summary>
    public static PsfCalibration3D Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Calibration '{path}' does not exist.", path);
        }

        PsfCalibration3D? c;
        try
        {
            c = JsonSerializer.Deserialize<PsfCalibration3D>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Calibration '{path}' is not a LiveSmlm 3D calibration JSON: {e.Message}", e);
        }

        if (c is null || c.Format != FormatName)
        {
            throw new InvalidDataException($"Calibration '{path}' has format '{c?.Format}'; expected '{FormatName}' (made by `livesmlm calibrate-3d`).");
        }

        c.Check(path);
        return c;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> naming <paramref name="source"/> when a value is out of range.</summary>
    public void Check(string source)
    {
        if (!(PixelSizeNm > 0) || !(ZMaxNm > ZMinNm) || X is null || Y is null || !(X.Sigma0Nm > 0) || !(Y.Sigma0Nm > 0) || !(X.DNm > 0) || !(Y.DNm > 0))
        {
            throw new InvalidDataException($"Calibration '{source}': pixelSizeNm, σ0 and d must be positive and zMaxNm > zMinNm (got pixel {PixelSizeNm} nm, z [{ZMinNm}, {ZMaxNm}] nm).");
        }

        if (Spline is { } s && (s.WindowPx < 5 || s.WindowPx % 2 == 0 || s.ZSamples < 4 || !(s.ZStepNm > 0) || s.Samples is null || s.Samples.Length != s.WindowPx * s.WindowPx * s.ZSamples))
        {
            throw new InvalidDataException($"Calibration '{source}': the spline needs an odd window ≥ 5 px, ≥ 4 slices, a positive z step and window² × slices samples.");
        }
    }

    // Built on first use and shared by every worker (a race builds the same array twice, harmlessly).
    private float[]? _coefficients;

    /// <summary>The ROI side of a 3D fit: the spline window less one pixel each side (shifts of ±½ px stay inside it), else 13 px.</summary>
    [JsonIgnore]
    public int FitRoiSizePx => Spline is { } s ? s.WindowPx - 2 : DefaultFitRoiPx;

    // 13 px holds σ up to ≈ 3 px (±700 nm for a d ≈ 400 nm lens) to ±2σ.
    private const int DefaultFitRoiPx = 13;

    /// <summary>The spline's per-voxel coefficients, built once from the samples.</summary>
    public float[] SplineCoefficients()
    {
        SplineSamples s = Spline ?? throw new InvalidOperationException("This calibration has no spline PSF; use --psf gauss3d.");
        return _coefficients ??= CubicSplineCoefficients.Build([.. s.Samples.Select(v => (double)v)], s.Grid);
    }

    /// <summary>The z range the spline model may use: the usable range within the spline's samples.</summary>
    public (float Min, float Max) SplineZRange()
    {
        SplineSamples s = Spline ?? throw new InvalidOperationException("This calibration has no spline PSF.");
        return ((float)Math.Max(ZMinNm, s.ZStartNm), (float)Math.Min(ZMaxNm, s.ZStartNm + ((s.ZSamples - 1) * s.ZStepNm)));
    }

    /// <summary>The astigmatic-Gaussian model for a roiSize² ROI.</summary>
    public AstigmaticGaussianModel GaussModel(int roiSize) =>
        new(roiSize, X.ToPixels(PixelSizeNm), Y.ToPixels(PixelSizeNm), (float)ZMinNm, (float)ZMaxNm);
}
