using System.Runtime.InteropServices;

namespace LiveSmlm.Localization;

/// <summary>
/// Outcome of one ROI fit: parameters in ROI pixel units (x, y with the origin at the ROI's top-left
/// pixel corner), photoelectrons, CRLB variances (already times the excess noise factor), goodness of fit.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct FitResult
{
    public float X;
    public float Y;

    /// <summary>Total photoelectrons in the spot, N.</summary>
    public float Photons;

    /// <summary>Background, photoelectrons per pixel, b.</summary>
    public float Background;
    public float Sigma;

    /// <summary>CRLB variance of x, px² (F² included).</summary>
    public float CrlbX;
    public float CrlbY;
    public float CrlbPhotons;
    public float CrlbBackground;

    /// <summary>CRLB variance of σ, px²; 0 when σ was fixed.</summary>
    public float CrlbSigma;

    /// <summary>2Σ[μ − d + d ln(d/μ)], roughly χ² with pixels − parameters degrees of freedom.</summary>
    public float LogLikelihoodRatio;
    public int Iterations;
    public FitStatus Status;

    public readonly bool IsAccepted => Status == FitStatus.Ok;
}

/// <summary>Why a fit was rejected, or Ok. Stored as an int so kernels can write it.</summary>
public enum FitStatus
{
    Ok = 0,

    /// <summary>The position left the ROI.</summary>
    OutsideRoi = 1,

    /// <summary>The fitted σ is outside the accepted range.</summary>
    SigmaOutOfRange = 2,

    /// <summary>The fitted photons are below the minimum.</summary>
    TooFewPhotons = 3,

    /// <summary>The iterations ran out before the steps became smaller than the tolerance.</summary>
    NotConverged = 4,

    /// <summary>A parameter or its CRLB became NaN/infinite, or the Fisher matrix was singular.</summary>
    NonFinite = 5,

    /// <summary>The ROI size is outside what the fit supports.</summary>
    InvalidRoi = 6,

    /// <summary>A 3D fit's z lies at an end of the calibrated z range: the emitter is outside it.</summary>
    ZOutOfRange = 7,
}
