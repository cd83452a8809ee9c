using LiveSmlm.Core;

namespace LiveSmlm.Simulation;

/// <summary>
/// The pixel-integrated Gaussian PSF: expected photons in pixel (i, j) = N · Ex(i) · Ey(j), with
/// Ex(i) = ½[erf((i + 1 − x)/(√2σ)) − erf((i − x)/(√2σ))] in pixel units (REFERENCES.md, PSF).
/// </summary>
public static class GaussianPsf
{
    /// <summary>The PSF is drawn out to this many σ from the centre; beyond, less than 3·10⁻⁷ of it is lost per side.</summary>
    public const double SupportSigmas = 5;

    /// <summary>In-focus Gaussian σ, nm: 0.21 λ / NA (paraxial; e.g. 670 nm, NA 1.49 → 94 nm).</summary>
    public static double SigmaNm(double wavelengthNm, double numericalAperture) =>
        OpticsSettings.GaussianSigmaFactor * wavelengthNm / numericalAperture;

    /// <summary>
    /// Fraction of a 1D Gaussian (centre and σ in pixels) that falls in pixel <paramref name="pixel"/>,
    /// which covers [pixel, pixel + 1).
    /// </summary>
    public static double PixelFraction(int pixel, double centrePx, double sigmaPx)
    {
        double scale = 1.0 / (Math.Sqrt(2) * sigmaPx);
        return 0.5 * (ErrorFunction.Erf((pixel + 1 - centrePx) * scale) - ErrorFunction.Erf((pixel - centrePx) * scale));
    }

    /// <summary>
    /// Adds one emitter's expected photons to a row-major float image of widthPx × heightPx. Position and
    /// σ are in nm in our convention (origin at the top-left pixel's corner). The part of the PSF that
    /// falls outside the image is lost, as on a real sensor.
    /// </summary>
    public static void AddExpectedPhotons(
        Span<float> image,
        int widthPx,
        int heightPx,
        double pixelSizeNm,
        double xNm,
        double yNm,
        double sigmaXNm,
        double sigmaYNm,
        double photons) =>
        AddExpectedPhotons(image, widthPx, heightPx, pixelSizeNm, xNm, yNm, sigmaXNm, sigmaYNm, photons, 0, heightPx);

    /// <summary>
    /// The same, drawn only into rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) of the image:
    /// each pixel gets exactly the value the whole-image call adds to it, so row blocks drawn on different
    /// threads (each the emitters in the same order) make the same image bit for bit.
    /// </summary>
    public static void AddExpectedPhotons(
        Span<float> image,
        int widthPx,
        int heightPx,
        double pixelSizeNm,
        double xNm,
        double yNm,
        double sigmaXNm,
        double sigmaYNm,
        double photons,
        int rowStart,
        int rowEnd)
    {
        if (widthPx <= 0 || heightPx <= 0 || image.Length < widthPx * heightPx)
        {
            throw new ArgumentException($"Image holds {image.Length} pixels; {widthPx}×{heightPx} are needed.", nameof(image));
        }

        if (!(pixelSizeNm > 0) || !(sigmaXNm > 0) || !(sigmaYNm > 0))
        {
            throw new ArgumentException(
                $"pixelSizeNm ({pixelSizeNm}), sigmaXNm ({sigmaXNm}) and sigmaYNm ({sigmaYNm}) must be positive.");
        }

        if (rowStart < 0 || rowEnd > heightPx || rowStart > rowEnd)
        {
            throw new ArgumentOutOfRangeException(nameof(rowStart), $"Rows [{rowStart}, {rowEnd}) must lie within [0, {heightPx}).");
        }

        if (!(photons > 0) || !double.IsFinite(xNm) || !double.IsFinite(yNm))
        {
            return;
        }

        double x = PixelGeometry.NmToPixelCorner(xNm, pixelSizeNm);
        double y = PixelGeometry.NmToPixelCorner(yNm, pixelSizeNm);
        double sx = sigmaXNm / pixelSizeNm;
        double sy = sigmaYNm / pixelSizeNm;

        int x0 = Math.Max(0, (int)Math.Floor(x - (SupportSigmas * sx)));
        int x1 = Math.Min(widthPx - 1, (int)Math.Floor(x + (SupportSigmas * sx)));
        int y0 = Math.Max(rowStart, (int)Math.Floor(y - (SupportSigmas * sy)));
        int y1 = Math.Min(rowEnd - 1, (int)Math.Floor(y + (SupportSigmas * sy)));
        if (x0 > x1 || y0 > y1)
        {
            return;
        }

        int nx = x1 - x0 + 1;
        int ny = y1 - y0 + 1;
        Span<double> ex = nx <= 256 ? stackalloc double[nx] : new double[nx];
        Span<double> ey = ny <= 256 ? stackalloc double[ny] : new double[ny];
        FillFractions(ex, x0, x, sx);
        FillFractions(ey, y0, y, sy);

        for (int j = 0; j < ny; j++)
        {
            double rowPhotons = photons * ey[j];
            Span<float> row = image.Slice(((y0 + j) * widthPx) + x0, nx);
            for (int i = 0; i < nx; i++)
            {
                row[i] += (float)(rowPhotons * ex[i]);
            }
        }
    }

    // Differences of erf at consecutive pixel edges: the fractions telescope, so their sum is exact.
    private static void FillFractions(Span<double> fractions, int first, double centrePx, double sigmaPx)
    {
        double scale = 1.0 / (Math.Sqrt(2) * sigmaPx);
        double lower = ErrorFunction.Erf((first - centrePx) * scale);
        for (int i = 0; i < fractions.Length; i++)
        {
            double upper = ErrorFunction.Erf((first + i + 1 - centrePx) * scale);
            fractions[i] = 0.5 * (upper - lower);
            lower = upper;
        }
    }
}
