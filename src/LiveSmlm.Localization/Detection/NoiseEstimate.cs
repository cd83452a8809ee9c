using System.Numerics;
using System.Runtime.InteropServices;

namespace LiveSmlm.Localization;

/// <summary>
/// The frame's own noise level from the first wavelet level W1 = f − V1: its standard deviation after
/// clipping at ±3 std, so that the few pixels on emitters do not inflate it. SIMD over the image.
/// </summary>
public static class NoiseEstimate
{
    // Clip at 3 std: a Gaussian keeps 99.73 % of its mass and its std shrinks to 0.9866 σ, undone below.
    private const float ClipStd = 3f;
    private const float ClippedStdOfUnitGaussian = 0.98657f;

    // Float partial sums are flushed to double every this many vectors, so 10⁶-pixel frames keep
    // their precision (each partial holds at most 1024 terms).
    private const int FlushEvery = 1024;

    /// <summary>Clipped std of (<paramref name="image"/> − <paramref name="smoothed"/>).</summary>
    public static float ClippedStdOfDifference(ReadOnlySpan<float> image, ReadOnlySpan<float> smoothed)
    {
        if (smoothed.Length < image.Length)
        {
            throw new ArgumentException($"The smoothed image holds {smoothed.Length} values, the image {image.Length}.", nameof(smoothed));
        }

        if (image.IsEmpty)
        {
            return 0f;
        }

        (double all, _) = SumOfSquares(image, smoothed, float.PositiveInfinity);
        float std = (float)Math.Sqrt(all / image.Length);
        (double clipped, long count) = SumOfSquares(image, smoothed, ClipStd * std);
        return count == 0 ? 0f : (float)Math.Sqrt(clipped / count) / ClippedStdOfUnitGaussian;
    }

    // Σ d² and the count over the pixels with |d| < limit, d = image − smoothed.
    private static (double Sum, long Count) SumOfSquares(ReadOnlySpan<float> image, ReadOnlySpan<float> smoothed, float limit)
    {
        double sum = 0;
        long count = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> a = MemoryMarshal.Cast<float, Vector<float>>(image);
            ReadOnlySpan<Vector<float>> b = MemoryMarshal.Cast<float, Vector<float>>(smoothed[..image.Length]);
            var limitV = new Vector<float>(limit);
            var partial = Vector<float>.Zero;
            var partialCount = Vector<int>.Zero;
            for (int k = 0; k < a.Length; k++)
            {
                Vector<float> d = a[k] - b[k];
                Vector<int> inside = Vector.LessThan(Vector.Abs(d), limitV);
                partial += Vector.ConditionalSelect(inside, d * d, Vector<float>.Zero);
                partialCount -= inside; // a true lane is −1
                if ((k + 1) % FlushEvery == 0)
                {
                    sum += Vector.Sum(partial);
                    partial = Vector<float>.Zero;
                }
            }

            sum += Vector.Sum(partial);
            count += Vector.Sum(partialCount);
            i = a.Length * Vector<float>.Count;
        }

        for (; i < image.Length; i++)
        {
            float d = image[i] - smoothed[i];
            if (MathF.Abs(d) < limit)
            {
                sum += d * d;
                count++;
            }
        }

        return (sum, count);
    }
}
