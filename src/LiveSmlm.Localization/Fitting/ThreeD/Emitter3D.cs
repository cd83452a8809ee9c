using System.Runtime.InteropServices;

namespace LiveSmlm.Localization;

/// <summary>
/// The 3D single-emitter fit: θ = (x, y, N, b, z) by Poisson MLE with either 3D model, its CRLB
/// including z. z starts at the best of a few depths over the calibrated range (the astigmatic
/// likelihood has a second, mirrored optimum when started on the wrong side of focus), then
/// <see cref="ModelFit"/> iterates. Static, no allocation (ILGPU-compatible).
/// </summary>
public static class Emitter3D
{
    /// <summary>Free parameters: x, y, N, b, z.</summary>
    public const int Parameters = 5;

    /// <summary>Index of z in θ.</summary>
    public const int Z = 4;

    /// <summary>Position and z tolerance of convergence: 10⁻³ px; z in nm is scaled by <see cref="NmPerPxTolerance"/>.</summary>
    public const float TolerancePx = 1e-3f;

    // A z step of 0.1 nm is as small as 10⁻³ px laterally relative to the axial precision (≈ 2–3 × lateral).
    private const float NmPerPxTolerance = 100f;

    /// <summary>Largest z step per iteration, nm: about a quarter of the depth of focus d ≈ 400 nm.</summary>
    public const float MaxZStepNm = 100f;

    /// <summary>Depths tried as start values across the calibrated range (likelihood at the centroid).</summary>
    public const int ZStarts = 7;

    public static float StepLimit(int a) => a switch
    {
        0 or 1 => FisherScoring.MaxPositionStepPx,
        Z => MaxZStepNm,
        _ => 0f,
    };

    public static float Tolerance(int a, float photons) => a switch
    {
        0 or 1 => TolerancePx,
        2 => TolerancePx * photons,
        Z => TolerancePx * NmPerPxTolerance,
        _ => float.MaxValue,
    };

    /// <summary>
    /// Fits one ROI with <paramref name="model"/> (its z range set): start values from the centroid and
    /// the best of <see cref="ZStarts"/> depths, then Fisher scoring. Never throws; see <see cref="Fit3DResult.Status"/>.
    /// </summary>
    public static Fit3DResult Fit<TModel, TPixels, TVariance>(ref TModel model, TPixels pixels, TVariance readVariance, int roiSize, Fit3DOptions options)
        where TModel : struct, IFitModel
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        Fit3DResult result = default;
        if (roiSize < GaussianMle.MinRoiSize || roiSize > GaussianMle.MaxRoiSize)
        {
            result.Status = FitStatus.InvalidRoi;
            return result;
        }

        ParameterVector theta = default;
        ModelFit.InitialEstimate(pixels, roiSize, ref theta);
        float zMin = model.Lower(Z), zMax = model.Upper(Z);
        float bestLlr = float.MaxValue, bestZ = 0.5f * (zMin + zMax);
        for (int k = 0; k < ZStarts; k++)
        {
            theta[Z] = zMin + ((zMax - zMin) * (k + 0.5f) / ZStarts);
            model.Load(ref theta);
            float llr = FisherScoring.LogLikelihoodRatio(ref model, pixels, readVariance, roiSize);
            if (llr < bestLlr)
            {
                bestLlr = llr;
                bestZ = theta[Z];
            }
        }

        theta[Z] = bestZ;
        FitStatus status = ModelFit.Fit(
            ref model, pixels, readVariance, roiSize, options.MaxIterations, options.ExcessNoiseFactor,
            ref theta, out ParameterVector crlb, out result.LogLikelihoodRatio, out result.Iterations);
        result.X = theta[0];
        result.Y = theta[1];
        result.Photons = theta[2];
        result.Background = theta[3];
        result.ZNm = theta[Z];
        result.CrlbX = crlb[0];
        result.CrlbY = crlb[1];
        result.CrlbPhotons = crlb[2];
        result.CrlbBackground = crlb[3];
        result.CrlbZ = crlb[Z];
        if (status == FitStatus.Ok)
        {
            status = Judge(ref result, zMin, zMax, options);
        }

        result.Status = status;
        return result;
    }

    // z pinned at either end of the calibrated range means the emitter lies outside it.
    private static FitStatus Judge(ref Fit3DResult r, float zMin, float zMax, Fit3DOptions options)
    {
        if (!(r.CrlbX > 0f && r.CrlbY > 0f && r.CrlbZ > 0f && FisherScoring.IsFinite(r.CrlbZ)))
        {
            return FitStatus.NonFinite;
        }

        float edge = options.ZEdgeNm;
        if (r.ZNm <= zMin + edge || r.ZNm >= zMax - edge)
        {
            return FitStatus.ZOutOfRange;
        }

        if (r.Photons < options.MinPhotoelectrons || r.Photons < options.MinSignalToNoise * MathF.Sqrt(r.CrlbPhotons))
        {
            return FitStatus.TooFewPhotons;
        }

        return FitStatus.Ok;
    }
}

/// <summary>What a 3D ROI fit needs besides its model and pixels (counts in photoelectrons).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Fit3DOptions
{
    public int MaxIterations;

    /// <summary>Excess noise factor F² multiplying every CRLB (2 for an EMCCD).</summary>
    public float ExcessNoiseFactor;

    public float MinPhotoelectrons;

    public float MinSignalToNoise;

    /// <summary>A z within this of either end of the calibrated range is <see cref="FitStatus.ZOutOfRange"/>, nm.</summary>
    public float ZEdgeNm;

    /// <summary>Defaults: 50 iterations, F² = 1, no photon floor, z within 1 nm of the range's ends rejected.</summary>
    public static Fit3DOptions Create() => new() { MaxIterations = 50, ExcessNoiseFactor = 1f, ZEdgeNm = 1f };
}

/// <summary>Outcome of one 3D ROI fit: x, y in ROI pixels (corner origin), z in nm, CRLB variances (F² included).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Fit3DResult
{
    public float X;
    public float Y;
    public float ZNm;
    public float Photons;
    public float Background;
    public float CrlbX;
    public float CrlbY;

    /// <summary>CRLB variance of z, nm².</summary>
    public float CrlbZ;
    public float CrlbPhotons;
    public float CrlbBackground;
    public float LogLikelihoodRatio;
    public int Iterations;
    public FitStatus Status;
}
