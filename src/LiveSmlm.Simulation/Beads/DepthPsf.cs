namespace LiveSmlm.Simulation;

/// <summary>
/// A PSF that depends on the emitter's depth z (nm, focus at 0): what bead z-stacks and 3D test data
/// are drawn with. Adds one emitter's expected photons to a row-major image, as <see cref="GaussianPsf"/> does.
/// </summary>
public interface IDepthPsf
{
    void AddExpectedPhotons(Span<float> image, int widthPx, int heightPx, double pixelSizeNm, double xNm, double yNm, double zNm, double photons);
}

/// <summary>The astigmatic Gaussian of <see cref="AstigmatismSettings"/> (Huang et al. 2008 curves, pixel-integrated).</summary>
public sealed class AstigmaticGaussianPsf(AstigmatismSettings astigmatism) : IDepthPsf
{
    public AstigmatismSettings Astigmatism { get; } = astigmatism ?? throw new ArgumentNullException(nameof(astigmatism));

    public void AddExpectedPhotons(Span<float> image, int widthPx, int heightPx, double pixelSizeNm, double xNm, double yNm, double zNm, double photons) =>
        GaussianPsf.AddExpectedPhotons(image, widthPx, heightPx, pixelSizeNm, xNm, yNm, Astigmatism.SigmaXNm(zNm), Astigmatism.SigmaYNm(zNm), photons);
}

/// <summary>
/// An experimental-like, non-Gaussian astigmatic PSF: the astigmatic core plus a fainter, wider lobe
/// that moves sideways with depth, as coma and spherical aberration make a real objective's PSF do
/// (its centroid drifts with z and its shape is no ellipse). An elliptical Gaussian describes it only
/// approximately; a spline of its measured bead stack describes it exactly.
/// </summary>
public sealed class AberratedAstigmaticPsf : IDepthPsf
{
    public AberratedAstigmaticPsf(AstigmatismSettings astigmatism, double lobeFraction = 0.15, double lobeWidthFactor = 1.8, double lobeShiftXPerNm = 0.2, double lobeShiftYPerNm = -0.12)
    {
        Astigmatism = astigmatism ?? throw new ArgumentNullException(nameof(astigmatism));
        if (lobeFraction is < 0 or >= 1 || !(lobeWidthFactor > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(lobeFraction), $"The lobe takes a fraction in [0, 1) of the photons (got {lobeFraction}) and a positive width factor (got {lobeWidthFactor}).");
        }

        LobeFraction = lobeFraction;
        LobeWidthFactor = lobeWidthFactor;
        LobeShiftXPerNm = lobeShiftXPerNm;
        LobeShiftYPerNm = lobeShiftYPerNm;
    }

    public AstigmatismSettings Astigmatism { get; }

    /// <summary>Share of the photons in the lobe.</summary>
    public double LobeFraction { get; }

    /// <summary>The lobe's σ relative to the core's in-focus σ0.</summary>
    public double LobeWidthFactor { get; }

    /// <summary>Lateral shift of the lobe per nm of depth (nm/nm), x and y.</summary>
    public double LobeShiftXPerNm { get; }

    public double LobeShiftYPerNm { get; }

    public void AddExpectedPhotons(Span<float> image, int widthPx, int heightPx, double pixelSizeNm, double xNm, double yNm, double zNm, double photons)
    {
        GaussianPsf.AddExpectedPhotons(image, widthPx, heightPx, pixelSizeNm, xNm, yNm, Astigmatism.SigmaXNm(zNm), Astigmatism.SigmaYNm(zNm), (1 - LobeFraction) * photons);
        if (LobeFraction > 0)
        {
            double sx = LobeWidthFactor * Astigmatism.Sigma0XNm, sy = LobeWidthFactor * Astigmatism.Sigma0YNm;
            GaussianPsf.AddExpectedPhotons(
                image, widthPx, heightPx, pixelSizeNm, xNm + (LobeShiftXPerNm * zNm), yNm + (LobeShiftYPerNm * zNm),
                Math.Max(sx, Astigmatism.SigmaXNm(zNm)), Math.Max(sy, Astigmatism.SigmaYNm(zNm)), LobeFraction * photons);
        }
    }
}
