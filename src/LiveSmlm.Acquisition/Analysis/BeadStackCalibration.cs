using System.Globalization;
using LiveSmlm.Core;
using LiveSmlm.IO;
using LiveSmlm.Localization;
using LiveSmlm.Reconstruction;

namespace LiveSmlm.Acquisition.Analysis;

/// <summary>What `calibrate-3d` was asked: the bead stack, its z step, the camera, where to write.</summary>
public sealed record BeadCalibrationRequest
{
    public required string StackPath { get; init; }

    public required double ZStepNm { get; init; }

    public required CameraModel Camera { get; init; }

    /// <summary>The calibration JSON; the plot (`.png`) and Picasso's YAML (`.picasso.yaml`) go beside it.</summary>
    public required string OutPath { get; init; }

    public BeadCalibrationOptions Options { get; init; } = new();

    /// <summary>ADU at which the camera saturates (a 16-bit sensor: 65535); pixels at or above it mark a bead saturated.</summary>
    public int SaturationAdu { get; init; } = ushort.MaxValue;
}

/// <summary>
/// `calibrate-3d` end to end: reads the bead stack, converts it to photoelectrons with the camera model,
/// runs <see cref="BeadCalibrator"/>, writes calib.json, the ScottPlot plot of the widths against z, and
/// the same curves as a Picasso 3D calibration YAML. Also loads either file back for `analyze --calibration`.
/// </summary>
public static class BeadStackCalibration
{
    // Picasso fits a sixth-order polynomial to σ(z) (picasso.zfit.calibrate_z).
    private const int PicassoPolynomialOrder = 6;

    // A Picasso calibration that does not say its range is sampled over ±this, nm.
    private const double PicassoDefaultHalfRangeNm = 600;

    public static string PlotPath(string outPath) => Path.ChangeExtension(outPath, ".png");

    public static string PicassoPath(string outPath) => Path.ChangeExtension(outPath, ".picasso.yaml");

    public static BeadCalibrationResult Run(BeadCalibrationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Camera.Validate("camera (profile or --options)");
        if (!(request.ZStepNm is > 0 and <= 1000))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--z-step-nm must be within (0, 1000] nm; got {request.ZStepNm}."));
        }

        var slices = new List<float[]>();
        var saturated = new List<bool[]>();
        int width, height;
        using (IFrameSource source = FrameSources.Open(request.StackPath))
        {
            width = source.Width;
            height = source.Height;
            var frame = new Frame(width, height);
            while (source.TryReadNext(frame))
            {
                var electrons = new float[frame.PixelCount];
                request.Camera.ToPhotoelectrons(frame.Span, electrons);
                slices.Add(electrons);
                var mask = new bool[frame.PixelCount];
                for (int i = 0; i < mask.Length; i++)
                {
                    mask[i] = frame.Pixels[i] >= request.SaturationAdu;
                }

                saturated.Add(mask);
            }
        }

        BeadCalibrationResult result = BeadCalibrator.Calibrate(
            slices, width, height, request.ZStepNm, request.Camera.PixelSizeNm, request.Options, saturated, $"'{request.StackPath}'");
        PsfCalibration3D c = result.Calibration;
        c.Save(request.OutPath);
        WritePlot(result, PlotPath(request.OutPath), Path.GetFileName(request.StackPath));
        PicassoCalibrationYaml.Write(PicassoPath(request.OutPath), ToPicasso(c, slices.Count));
        return result;
    }

    /// <summary>Reads `calib.json` (ours) or a Picasso 3D calibration YAML (its curves refitted to Huang's model; no spline).</summary>
    public static PsfCalibration3D Load(string path, double pixelSizeNm)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".yaml" or ".yml"))
        {
            return PsfCalibration3D.Load(path);
        }

        PicassoCalibration p = PicassoCalibrationYaml.Read(path);
        double half = p.StepSizeNm is { } step && p.Frames is { } frames ? 0.5 * step * (frames - 1) : PicassoDefaultHalfRangeNm;
        double[] z = [.. Enumerable.Range(0, 121).Select(k => -half + (2 * half * k / 120))];
        double[] ones = [.. z.Select(_ => 1.0)];
        AstigmaticCurveFit.Result cx = AstigmaticCurveFit.Fit(z, [.. z.Select(v => PicassoCalibration.Evaluate(p.XCoefficients, v))], ones);
        AstigmaticCurveFit.Result cy = AstigmaticCurveFit.Fit(z, [.. z.Select(v => PicassoCalibration.Evaluate(p.YCoefficients, v))], ones);
        var calibration = new PsfCalibration3D
        {
            PixelSizeNm = pixelSizeNm,
            ZStepNm = p.StepSizeNm ?? 0,
            X = new CurveNm(cx.Sigma0 * pixelSizeNm, cx.CNm, cx.DNm, cx.A, cx.B),
            Y = new CurveNm(cy.Sigma0 * pixelSizeNm, cy.CNm, cy.DNm, cy.A, cy.B),
            ZMinNm = -half,
            ZMaxNm = half,
        };
        calibration.Check(path);
        return calibration;
    }

    /// <summary>Our curves as Picasso's polynomials: σ in px sampled over the usable range, numpy.polyfit order (highest power first).</summary>
    public static PicassoCalibration ToPicasso(PsfCalibration3D c, int frames)
    {
        ArgumentNullException.ThrowIfNull(c);
        double[] z = [.. Enumerable.Range(0, 101).Select(k => c.ZMinNm + ((c.ZMaxNm - c.ZMinNm) * k / 100))];
        double[] Poly(CurveNm curve) => [.. MathNet.Numerics.Fit.Polynomial(z, [.. z.Select(v => curve.SigmaNm(v) / c.PixelSizeNm)], PicassoPolynomialOrder).Reverse()];
        return new PicassoCalibration { XCoefficients = Poly(c.X), YCoefficients = Poly(c.Y), StepSizeNm = c.ZStepNm, Frames = frames };
    }

    private static void WritePlot(BeadCalibrationResult result, string path, string stackName)
    {
        PsfCalibration3D c = result.Calibration;
        IReadOnlyList<BeadWidth> w = result.Widths;
        double lo = Math.Min(c.ZMinNm, w.Min(p => p.ZNm)), hi = Math.Max(c.ZMaxNm, w.Max(p => p.ZNm));
        double[] z = [.. Enumerable.Range(0, 201).Select(k => lo + ((hi - lo) * k / 200))];
        CalibrationPlot.WritePng(
            path, [.. w.Select(p => p.ZNm)], [.. w.Select(p => p.SigmaXNm)], [.. w.Select(p => p.SigmaYNm)],
            z, [.. z.Select(c.X.SigmaNm)], [.. z.Select(c.Y.SigmaNm)], c.ZMinNm, c.ZMaxNm,
            string.Create(CultureInfo.InvariantCulture, $"{stackName}: {c.Quality.BeadsUsed} beads, usable z [{c.ZMinNm:F0}, {c.ZMaxNm:F0}] nm, residual σx {c.Quality.ResidualXNm:F1} / σy {c.Quality.ResidualYNm:F1} nm"));
    }
}
