using System.Runtime.InteropServices;

namespace LiveSmlm.Localization;

/// <summary>
/// What one ROI fit needs to know besides its pixels: PSF width, which parameters are free, limits
/// that decide the status, and the noise factor for the CRLB. A plain struct so kernels take it by value.
/// All lengths are in pixels, all counts in photoelectrons.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct FitOptions
{
    /// <summary>PSF σ in pixels: the start value when <see cref="FitSigma"/>, the fixed value otherwise.</summary>
    public float InitialSigmaPx;

    // Stored as an int: bool is not blittable, and ILGPU takes only blittable kernel parameters.
    private int _fitSigma;

    /// <summary>True: σ is a free parameter (5 parameters); false: σ fixed (4 parameters).</summary>
    public bool FitSigma
    {
        readonly get => _fitSigma != 0;
        set => _fitSigma = value ? 1 : 0;
    }

    /// <summary>Newton iterations allowed before the fit is declared not converged.</summary>
    public int MaxIterations;

    /// <summary>Converged when x, y and σ move less than this (px) and N less than this relative amount.</summary>
    public float TolerancePx;

    /// <summary>Accepted σ range, px (outside: <see cref="FitStatus.SigmaOutOfRange"/>).</summary>
    public float MinSigmaPx;

    public float MaxSigmaPx;

    /// <summary>Fewer fitted photoelectrons than this: <see cref="FitStatus.TooFewPhotons"/>.</summary>
    public float MinPhotoelectrons;

    /// <summary>
    /// Fits whose photons are below this many standard deviations of themselves (N/√CRLB_N) are
    /// <see cref="FitStatus.TooFewPhotons"/>: noise peaks, not emitters. 0 disables the test.
    /// </summary>
    public float MinSignalToNoise;

    /// <summary>Excess noise factor F² multiplying every CRLB: 2 for an EMCCD, 1 otherwise (Mortensen et al. 2010).</summary>
    public float ExcessNoiseFactor;

    /// <summary>Defaults: σ free from <paramref name="sigmaPx"/>, 30 iterations, 10⁻³ px, σ in [0.5, 3]·σ, no photon or SNR floor, F² = 1.</summary>
    public static FitOptions Create(float sigmaPx, bool fitSigma = true) => new()
    {
        InitialSigmaPx = sigmaPx,
        FitSigma = fitSigma,
        MaxIterations = 30,
        TolerancePx = 1e-3f,
        MinSigmaPx = 0.5f * sigmaPx,
        MaxSigmaPx = 3f * sigmaPx,
        MinPhotoelectrons = 0f,
        ExcessNoiseFactor = 1f,
    };
}
