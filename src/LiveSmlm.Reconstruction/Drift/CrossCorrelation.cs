using MathNet.Numerics;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// FFT cross-correlation of two partial reconstructions and the sub-bin position of its peak. The
/// images are histograms of localizations; their spectra are kept so that each new window costs one
/// forward FFT and one inverse FFT per earlier window.
/// </summary>
internal static class CrossCorrelation
{
    /// <summary>Spectrum (unscaled forward FFT) of a histogram of the points, bins of <paramref name="binNm"/>.</summary>
    public static Complex32[] Spectrum(IReadOnlyList<(float XNm, float YNm)> points, int width, int height, double binNm)
    {
        var data = new Complex32[width * height];
        foreach ((float x, float y) in points)
        {
            int i = (int)Math.Floor(x / binNm);
            int j = (int)Math.Floor(y / binNm);
            if (i >= 0 && i < width && j >= 0 && j < height)
            {
                data[(j * width) + i] += Complex32.One;
            }
        }

        Fft2D.Forward(data, width, height);
        return data;
    }

    /// <summary>
    /// exp(−2π² s² f²) per frequency bin: the Fourier transform of a unit-mass Gaussian of σ = s bins,
    /// applied to the correlation of two images each blurred by <paramref name="blurBins"/> (so s² = 2·blur²).
    /// </summary>
    public static float[] BlurFilter(int width, int height, double blurBins)
    {
        var filter = new float[width * height];
        double s2 = 2 * blurBins * blurBins;
        for (int j = 0; j < height; j++)
        {
            double fy = SignedFrequency(j, height);
            for (int i = 0; i < width; i++)
            {
                double fx = SignedFrequency(i, width);
                filter[(j * width) + i] = (float)Math.Exp(-2 * Math.PI * Math.PI * s2 * ((fx * fx) + (fy * fy)));
            }
        }

        // Zero frequency removed: the same as subtracting each image's mean, so the peak stands on ≈ 0.
        filter[0] = 0;
        return filter;
    }

    /// <summary>
    /// The shift (bins) of image b relative to image a: b(r) ≈ a(r − shift), and how far the peak stands
    /// above the correlation's own noise floor. Null when no peak is found within the search radius
    /// (e.g. empty images).
    /// </summary>
    /// <param name="peakRadiusBins">Half-width of the peak: shifts farther than this from the peak (per axis) are its background.</param>
    public static CorrelationPeak? Shift(
        Complex32[] a, Complex32[] b, float[] filter, int width, int height, int maxShiftBins, int peakRadiusBins, Complex32[] scratch)
    {
        for (int k = 0; k < scratch.Length; k++)
        {
            scratch[k] = a[k].Conjugate() * b[k] * filter[k];
        }

        int rx = Math.Min(maxShiftBins, (width / 2) - 2);
        int ry = Math.Min(maxShiftBins, (height / 2) - 2);

        // Only shifts within ±ry rows (and one more for the sub-bin fit) are read.
        Fft2D.InverseNearRowZero(scratch, width, height, Math.Min(ry + 1, height / 2));
        float best = float.NegativeInfinity;
        int bx = 0, by = 0;
        for (int dy = -ry; dy <= ry; dy++)
        {
            for (int dx = -rx; dx <= rx; dx++)
            {
                float v = scratch[Index(dx, dy, width, height)].Real;
                if (v > best)
                {
                    best = v;
                    bx = dx;
                    by = dy;
                }
            }
        }

        if (!(best > 0))
        {
            return null;
        }

        // The noise floor: mean and standard deviation of the correlation over the searched shifts away from
        // the peak. Two independent point sets give a correlation that is this noise everywhere, and its
        // largest value is then only a few standard deviations up.
        double sum = 0, sumSq = 0;
        long n = 0;
        for (int dy = -ry; dy <= ry; dy++)
        {
            for (int dx = -rx; dx <= rx; dx++)
            {
                if (Math.Abs(dx - bx) > peakRadiusBins || Math.Abs(dy - by) > peakRadiusBins)
                {
                    double v = scratch[Index(dx, dy, width, height)].Real;
                    sum += v;
                    sumSq += v * v;
                    n++;
                }
            }
        }

        double significance = double.PositiveInfinity;
        if (n >= 2)
        {
            double mean = sum / n;
            double sd = Math.Sqrt(Math.Max(0, (sumSq / n) - (mean * mean)));
            significance = sd > 0 ? (best - mean) / sd : double.PositiveInfinity;
        }

        double c0 = best;
        double subX = PeakOffset(scratch[Index(bx - 1, by, width, height)].Real, c0, scratch[Index(bx + 1, by, width, height)].Real);
        double subY = PeakOffset(scratch[Index(bx, by - 1, width, height)].Real, c0, scratch[Index(bx, by + 1, width, height)].Real);
        return new CorrelationPeak(bx + subX, by + subY, significance);
    }

    /// <summary>
    /// Sub-bin offset of a peak from three samples: the vertex of the parabola through their logarithms
    /// (exact for a Gaussian peak), or through the values themselves when a neighbour is not positive.
    /// </summary>
    internal static double PeakOffset(double left, double centre, double right)
    {
        double offset;
        if (left > 0 && right > 0)
        {
            double l = Math.Log(left), c = Math.Log(centre), r = Math.Log(right);
            double curvature = l - (2 * c) + r;
            offset = curvature < 0 ? (l - r) / (2 * curvature) : 0;
        }
        else
        {
            double curvature = left - (2 * centre) + right;
            offset = curvature < 0 ? (left - right) / (2 * curvature) : 0;
        }

        return Math.Clamp(offset, -0.5, 0.5);
    }

    private static double SignedFrequency(int k, int n) => (k <= n / 2 ? k : k - n) / (double)n;

    private static int Index(int dx, int dy, int width, int height) =>
        (((dy % height) + height) % height * width) + (((dx % width) + width) % width);
}

/// <summary>A correlation peak: the shift, bins, and its height over the noise floor in standard deviations.</summary>
internal readonly record struct CorrelationPeak(double DxBins, double DyBins, double Significance);
