using MathNet.Numerics;

namespace LiveSmlm.Reconstruction;

/// <summary>One FRC curve: per ring its spatial frequency, the raw and smoothed correlation, and the resolution.</summary>
/// <param name="FrequencyPerNm">Ring r is at r / (side · pixel), nm⁻¹.</param>
/// <param name="ResolutionNm">1 / (frequency where the smoothed curve first drops below 1/7); NaN when it never does.</param>
public sealed record FrcCurve(double[] FrequencyPerNm, double[] Raw, double[] Smoothed, double ResolutionNm)
{
    public bool IsResolved => double.IsFinite(ResolutionNm);
}

/// <summary>
/// Fourier ring correlation (Nieuwenhuizen et al., Nat Methods 2013): FRC(q) = Re Σ F1 F2* / √(Σ|F1|² Σ|F2|²)
/// over the ring of frequencies q; the resolution is 1/q where the smoothed curve first drops below 1/7.
/// </summary>
public static class FourierRingCorrelation
{
    /// <summary>The fixed threshold of Nieuwenhuizen et al. 2013.</summary>
    public const double Threshold = 1.0 / 7;

    /// <summary>
    /// Running mean over ± this many rings before the threshold (the paper smooths the curve so that noise in
    /// single rings does not decide the crossing).
    /// </summary>
    public const int DefaultSmoothingHalfWidthRings = 2;

    /// <summary>
    /// FRC of two square images (row-major, side × side, the same pixel size). Rings are
    /// r = round(√(kx² + ky²)) of the signed frequency indices, r = 0 … side / 2.
    /// </summary>
    public static FrcCurve Compute(float[] first, float[] second, int side, double pixelNm, int smoothingHalfWidthRings = DefaultSmoothingHalfWidthRings)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (side < 4 || first.Length != side * side || second.Length != side * side)
        {
            throw new ArgumentException($"FRC needs two square images of side ≥ 4 with side² pixels; got {first.Length} and {second.Length} for side {side}.", nameof(side));
        }

        if (!(pixelNm > 0 && double.IsFinite(pixelNm)))
        {
            throw new ArgumentOutOfRangeException(nameof(pixelNm), $"FRC pixel size must be a positive number of nm; got {pixelNm}.");
        }

        Complex32[] f1 = Transform(first, side);
        Complex32[] f2 = Transform(second, side);
        int rings = (side / 2) + 1;
        var cross = new double[rings];
        var power1 = new double[rings];
        var power2 = new double[rings];
        for (int j = 0; j < side; j++)
        {
            int ky = j <= side / 2 ? j : j - side;
            for (int i = 0; i < side; i++)
            {
                int kx = i <= side / 2 ? i : i - side;
                int r = (int)Math.Round(Math.Sqrt((kx * kx) + (ky * ky)));
                if (r >= rings)
                {
                    continue;
                }

                Complex32 a = f1[(j * side) + i], b = f2[(j * side) + i];
                cross[r] += ((double)a.Real * b.Real) + ((double)a.Imaginary * b.Imaginary);
                power1[r] += ((double)a.Real * a.Real) + ((double)a.Imaginary * a.Imaginary);
                power2[r] += ((double)b.Real * b.Real) + ((double)b.Imaginary * b.Imaginary);
            }
        }

        var frequency = new double[rings];
        var raw = new double[rings];
        for (int r = 0; r < rings; r++)
        {
            frequency[r] = r / (side * pixelNm);
            double norm = Math.Sqrt(power1[r] * power2[r]);
            raw[r] = norm > 0 ? cross[r] / norm : 0;
        }

        double[] smoothed = Smooth(raw, smoothingHalfWidthRings);
        return new FrcCurve(frequency, raw, smoothed, Crossing(frequency, smoothed));
    }

    /// <summary>Running mean over ± h rings, the window shrinking at the ends; ring 0 (the mean) is left out of the window.</summary>
    internal static double[] Smooth(double[] raw, int halfWidth)
    {
        var result = new double[raw.Length];
        result[0] = raw[0];
        for (int r = 1; r < raw.Length; r++)
        {
            int lo = Math.Max(1, r - halfWidth), hi = Math.Min(raw.Length - 1, r + halfWidth);
            double sum = 0;
            for (int k = lo; k <= hi; k++)
            {
                sum += raw[k];
            }

            result[r] = sum / (hi - lo + 1);
        }

        return result;
    }

    // First ring from 1 up where the curve is below the threshold; the frequency between it and the ring
    // before by linear interpolation of the curve.
    private static double Crossing(double[] frequency, double[] curve)
    {
        for (int r = 1; r < curve.Length; r++)
        {
            if (curve[r] < Threshold)
            {
                double t = (curve[r - 1] - Threshold) / (curve[r - 1] - curve[r]);
                double q = frequency[r - 1] + (t * (frequency[r] - frequency[r - 1]));
                return q > 0 ? 1 / q : double.PositiveInfinity;
            }
        }

        return double.NaN;
    }

    private static Complex32[] Transform(float[] image, int side)
    {
        var data = new Complex32[image.Length];
        for (int k = 0; k < image.Length; k++)
        {
            data[k] = new Complex32(image[k], 0);
        }

        Fft2D.Forward(data, side, side);
        return data;
    }
}
