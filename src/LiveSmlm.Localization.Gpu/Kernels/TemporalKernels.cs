using ILGPU;

namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// The temporal-median background on the device: per pixel, the median of the last frames held in a
/// ring of device frames, subtracted from the current frame (TemporalMedianBackground's result).
/// </summary>
/// <remarks>
/// No per-thread scratch: the median is the value whose rank range [less, less + equal) holds the
/// middle rank, found by counting (window² comparisons; the window is at most 255 frames). It picks
/// exactly the element a sort would put there, so the result equals the CPU's insertion sort.
/// </remarks>
internal static class TemporalKernels
{
    /// <summary>residual = electrons − median over the <paramref name="count"/> frames in <paramref name="history"/>.</summary>
    public static void Residual(
        Index1D pixel, ArrayView<float> history, ArrayView<float> electrons, ArrayView<float> residual, int pixels, int count, int frameOffset)
    {
        int mid = count / 2;
        float median = (count & 1) == 1
            ? RankValue(history, pixel, pixels, count, mid)
            : 0.5f * (RankValue(history, pixel, pixels, count, mid - 1) + RankValue(history, pixel, pixels, count, mid));
        long at = (long)frameOffset + pixel;
        residual[at] = electrons[at] - median;
    }

    private static float RankValue(ArrayView<float> history, int pixel, int pixels, int count, int rank)
    {
        for (int i = 0; i < count; i++)
        {
            float v = history[((long)i * pixels) + pixel];
            int less = 0, equal = 0;
            for (int k = 0; k < count; k++)
            {
                float w = history[((long)k * pixels) + pixel];
                less += w < v ? 1 : 0;
                equal += w == v ? 1 : 0;
            }

            if (less <= rank && rank < less + equal)
            {
                return v;
            }
        }

        return history[pixel];
    }
}
