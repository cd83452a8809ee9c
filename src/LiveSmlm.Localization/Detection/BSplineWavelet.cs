using System.Numerics;
using System.Runtime.InteropServices;

namespace LiveSmlm.Localization;

/// <summary>
/// Separable à trous smoothing with the cubic B-spline kernel [1, 4, 6, 4, 1]/16 (Starck &amp; Murtagh;
/// ThunderSTORM's "wavelet filter, B-spline order 3, scale 2"), SIMD over rows, mirrored borders.
/// Level k uses taps 2^(k−1) pixels apart: V1 = f∗k₁, V2 = V1∗k₂, W1 = f − V1, W2 = V1 − V2.
/// </summary>
public static class BSplineWavelet
{
    private const float Outer = 1f / 16f;
    private const float Inner = 4f / 16f;
    private const float Centre = 6f / 16f;

    /// <summary>
    /// destination = source ∗ (B3 kernel with taps <paramref name="tapStepPx"/> apart), in both axes.
    /// <paramref name="scratch"/> holds the horizontal pass; all spans hold width·height values.
    /// The image must be wider and taller than 2·tapStep.
    /// </summary>
    public static void Smooth(ReadOnlySpan<float> source, Span<float> destination, Span<float> scratch, int width, int height, int tapStepPx)
    {
        int reach = 2 * tapStepPx;
        if (width <= reach || height <= reach)
        {
            throw new ArgumentException($"Image {width}×{height} px is too small for a B-spline filter with taps {tapStepPx} px apart; both sides must exceed {reach} px.");
        }

        for (int y = 0; y < height; y++)
        {
            HorizontalRow(source.Slice(y * width, width), scratch.Slice(y * width, width), tapStepPx);
        }

        for (int y = 0; y < height; y++)
        {
            VerticalRow(scratch, destination.Slice(y * width, width), width, height, y, tapStepPx);
        }
    }

    private static void HorizontalRow(ReadOnlySpan<float> row, Span<float> output, int s)
    {
        int width = row.Length;
        int reach = 2 * s;
        for (int x = 0; x < Math.Min(reach, width); x++)
        {
            output[x] = Tap(row, x, s);
        }

        int x0 = reach;
        int end = width - reach;
        int vectorEnd = end - Vector<float>.Count;
        var outer = new Vector<float>(Outer);
        var inner = new Vector<float>(Inner);
        var centre = new Vector<float>(Centre);
        for (; x0 <= vectorEnd; x0 += Vector<float>.Count)
        {
            var sum = (outer * (new Vector<float>(row[(x0 - reach)..]) + new Vector<float>(row[(x0 + reach)..])))
                + (inner * (new Vector<float>(row[(x0 - s)..]) + new Vector<float>(row[(x0 + s)..])))
                + (centre * new Vector<float>(row[x0..]));
            sum.CopyTo(output[x0..]);
        }

        for (int x = x0; x < width; x++)
        {
            output[x] = Tap(row, x, s);
        }
    }

    private static float Tap(ReadOnlySpan<float> row, int x, int s)
    {
        int last = row.Length - 1;
        return (Outer * (row[Mirror(x - (2 * s), last)] + row[Mirror(x + (2 * s), last)]))
            + (Inner * (row[Mirror(x - s, last)] + row[Mirror(x + s, last)]))
            + (Centre * row[x]);
    }

    private static void VerticalRow(Span<float> image, Span<float> output, int width, int height, int y, int s)
    {
        int last = height - 1;
        ReadOnlySpan<float> up2 = image.Slice(Mirror(y - (2 * s), last) * width, width);
        ReadOnlySpan<float> up1 = image.Slice(Mirror(y - s, last) * width, width);
        ReadOnlySpan<float> mid = image.Slice(y * width, width);
        ReadOnlySpan<float> down1 = image.Slice(Mirror(y + s, last) * width, width);
        ReadOnlySpan<float> down2 = image.Slice(Mirror(y + (2 * s), last) * width, width);
        int x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var outer = new Vector<float>(Outer);
            var inner = new Vector<float>(Inner);
            var centre = new Vector<float>(Centre);
            var vUp2 = MemoryMarshal.Cast<float, Vector<float>>(up2);
            var vUp1 = MemoryMarshal.Cast<float, Vector<float>>(up1);
            var vMid = MemoryMarshal.Cast<float, Vector<float>>(mid);
            var vDown1 = MemoryMarshal.Cast<float, Vector<float>>(down1);
            var vDown2 = MemoryMarshal.Cast<float, Vector<float>>(down2);
            var vOut = MemoryMarshal.Cast<float, Vector<float>>(output);
            for (int k = 0; k < vOut.Length; k++)
            {
                vOut[k] = (outer * (vUp2[k] + vDown2[k])) + (inner * (vUp1[k] + vDown1[k])) + (centre * vMid[k]);
            }

            x = vOut.Length * Vector<float>.Count;
        }

        for (; x < width; x++)
        {
            output[x] = (Outer * (up2[x] + down2[x])) + (Inner * (up1[x] + down1[x])) + (Centre * mid[x]);
        }
    }

    /// <summary>destination = a − b element-wise (the wavelet level W = V_k−1 − V_k), SIMD.</summary>
    public static void Difference(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination)
    {
        int n = destination.Length;
        if (a.Length < n || b.Length < n)
        {
            throw new ArgumentException($"Difference of {a.Length} and {b.Length} values cannot fill {n}.", nameof(destination));
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a[..n]);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b[..n]);
            var vd = MemoryMarshal.Cast<float, Vector<float>>(destination);
            for (int k = 0; k < vd.Length; k++)
            {
                vd[k] = va[k] - vb[k];
            }

            i = vd.Length * Vector<float>.Count;
        }

        for (; i < n; i++)
        {
            destination[i] = a[i] - b[i];
        }
    }

    // Mirror about the edge pixel (…, 2, 1, 0, 1, 2, …) so that a flat image stays flat at the border.
    private static int Mirror(int i, int last) => i < 0 ? -i : (i > last ? (2 * last) - i : i);
}
