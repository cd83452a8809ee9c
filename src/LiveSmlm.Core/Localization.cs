using System.Runtime.InteropServices;

namespace LiveSmlm.Core;

/// <summary>
/// One localized emitter. Coordinates in nm with the origin at the top-left corner of the top-left
/// pixel; frame counted from 0; photons at the sample (after the camera model); uncertainties are
/// √CRLB (times the excess noise factor for an EMCCD). Unknown values are NaN (e.g. Z in 2D).
/// A plain value type so that batches are flat arrays the GPU and the file writers share.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct Localization
{
    public int Frame;
    public float XNm;
    public float YNm;
    public float ZNm;
    public float Photons;

    /// <summary>Background, photons per pixel.</summary>
    public float BackgroundPhotons;
    public float SigmaXNm;
    public float SigmaYNm;
    public float UncertaintyXNm;
    public float UncertaintyYNm;
    public float UncertaintyZNm;

    /// <summary>
    /// Goodness of fit: the Poisson log-likelihood ratio 2Σ[μ − d + d ln(d/μ)], roughly χ² with
    /// (pixels − parameters) degrees of freedom. NaN when unknown.
    /// </summary>
    public float LogLikelihoodRatio;
    public int Iterations;
    public LocalizationFlags Flags;

    /// <summary>A localization with every optional field NaN.</summary>
    public static Localization Create(int frame, float xNm, float yNm, float photons) => new()
    {
        Frame = frame,
        XNm = xNm,
        YNm = yNm,
        ZNm = float.NaN,
        Photons = photons,
        BackgroundPhotons = float.NaN,
        SigmaXNm = float.NaN,
        SigmaYNm = float.NaN,
        UncertaintyXNm = float.NaN,
        UncertaintyYNm = float.NaN,
        UncertaintyZNm = float.NaN,
        LogLikelihoodRatio = float.NaN,
    };

    public readonly bool Has3D => !float.IsNaN(ZNm);
}

/// <summary>What else is known about a localization.</summary>
[Flags]
public enum LocalizationFlags
{
    None = 0,

    /// <summary>Fitted jointly with neighbours in one ROI (multi-emitter MLE).</summary>
    MultiEmitter = 1,

    /// <summary>The ROI was clipped by the image border.</summary>
    AtBorder = 2,

    /// <summary>Fit looked like two emitters but was kept as one.</summary>
    PossibleOverlap = 4,

    /// <summary>A fiducial bead (always on).</summary>
    Fiducial = 8,

    /// <summary>Position corrected for drift.</summary>
    DriftCorrected = 16,
}
