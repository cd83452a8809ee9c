using ILGPU;

namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// The temporal-median background on the device: per pixel, the median B of the last frames held in a
/// ring of device frames (TemporalMedianBackground's result) and the CPU engine's noise-normalised
/// residual (f − B)/√(max(B, 1) + read variance) that detection runs on.
/// </summary>
/// <remarks>
/// No per-thread scratch: the median is the value whose rank range [less, less + equal) holds the
/// middle rank, found by counting (window² comparisons; the window is at most 255 frames). It picks
/// exactly the element a sort would put there, so the result equals the CPU's insertion sort.
/// </remarks>
internal static class TemporalKernels
{
    // CpuLocalizer: floor of the background variance (photoelectrons²) when normalising the residual,
    // so a dark pixel does not turn one stray photoelectron into a huge z-score.
    private const float MinBackgroundVariance = 1f;

    /// <summary>
    /// background = median over the <paramref name="count"/> frames in <paramref name="history"/>;
    /// residual = (electrons − background)/√(max(background, 1) + read variance). The read variance is
    /// the map's pixel when <paramref name="useMap"/> ≠ 0, else <paramref name="uniformVariance"/>.
    /// </summary>
    public static void Residual(
        Index1D index, ArrayView<float> history, ArrayView<float> electrons, ArrayView<float> background, ArrayView<float> residual,
        ArrayView<float> varianceMap, TemporalFrame frame, Sweep sweep)
    {
        for (int pixel = index; pixel < sweep.Total; pixel += sweep.Stride)
        {
            ResidualAt(pixel, history, electrons, background, residual, varianceMap, frame);
        }
    }

    private static void ResidualAt(
        int pixel, ArrayView<float> history, ArrayView<float> electrons, ArrayView<float> background, ArrayView<float> residual,
        ArrayView<float> varianceMap, TemporalFrame frame)
    {
        int count = frame.Count, pixels = frame.Pixels;
        int mid = count / 2;
        float median = (count & 1) == 1
            ? RankValue(history, pixel, pixels, count, mid)
            : 0.5f * (RankValue(history, pixel, pixels, count, mid - 1) + RankValue(history, pixel, pixels, count, mid));
        long at = (long)frame.Offset + pixel;
        background[at] = median;
        float variance = MathF.Max(median, MinBackgroundVariance) + (frame.UseMap != 0 ? varianceMap[pixel] : frame.UniformVariance);
        residual[at] = (electrons[at] - median) / MathF.Sqrt(variance);
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

/// <summary>Scalars of one temporal-residual launch: frame offset in the batch, pixels per frame, frames in the window, read noise.</summary>
internal struct TemporalFrame
{
    public int Offset;
    public int Pixels;
    public int Count;
    public int UseMap;
    public float UniformVariance;
}
