using ILGPU;

namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// Camera conversion, the per-pixel threshold, W2 and local maxima on the device, for every frame of
/// a batch in one launch each (the smoothing itself is in WaveletTileKernels). Every float operation is written in the
/// order the CPU engine uses (BSplineWavelet, DetectionNoise, PeakFinder), so that on ILGPU's CPU
/// accelerator the candidates are bit-identical; see docs/gpu-engine.md for CUDA.
/// </summary>
/// <remarks>
/// Layout: frame f of the batch occupies [f·width·height, (f + 1)·width·height), row-major.
/// </remarks>
internal static class DetectionKernels
{
    // NoiseEstimate: clip at 3 std, then undo the shrinkage of a clipped unit Gaussian (0.98657).
    private const float ClipStd = 3f;
    private const float ClippedStdOfUnitGaussian = 0.98657f;

    /// <summary>Photoelectrons = (ADU − baseline) · e⁻/ADU / EM gain, one scale for the sensor (CameraModel.ToPhotoelectrons).</summary>
    public static void ConvertUniform(Index1D index, ArrayView<ushort> adu, ArrayView<float> electrons, float baselineAdu, float photoelectronsPerAdu, Sweep sweep)
    {
        for (int i = index; i < sweep.Total; i += sweep.Stride)
        {
            electrons[i] = ((float)adu[i] - baselineAdu) * photoelectronsPerAdu;
        }
    }

    /// <summary>As <see cref="ConvertUniform"/> with the sCMOS maps as per-pixel float tables (the CPU engine's PhotoelectronConverter).</summary>
    public static void ConvertMapped(
        Index1D index, ArrayView<ushort> adu, ArrayView<float> electrons, ArrayView<float> baselineAdu, ArrayView<float> photoelectronsPerAdu, int pixels, Sweep sweep)
    {
        for (int i = index; i < sweep.Total; i += sweep.Stride)
        {
            int p = i % pixels;
            electrons[i] = ((float)adu[i] - baselineAdu[p]) * photoelectronsPerAdu[p];
        }
    }

    /// <summary>W2 = V1 − V2, written over V2.</summary>
    public static void SecondLevel(Index1D index, ArrayView<float> smooth1, ArrayView<float> smooth2, Sweep sweep)
    {
        for (int i = index; i < sweep.Total; i += sweep.Stride)
        {
            smooth2[i] = smooth1[i] - smooth2[i];
        }
    }

    /// <summary>Per row: Σ (f − V1)² in double, each square rounded to float first as the CPU does.</summary>
    public static void RowSquares(Index1D row, ArrayView<float> source, ArrayView<float> smooth1, ArrayView<double> rowSums, int width)
    {
        long start = (long)(int)row * width;
        double sum = 0;
        for (int x = 0; x < width; x++)
        {
            float d = source[start + x] - smooth1[start + x];
            float square = d * d;
            sum += square;
        }

        rowSums[row] = sum;
    }

    /// <summary>Per frame: the clip limit 3·std(W1) from the row sums, summed in row order.</summary>
    public static void ClipLimit(Index1D frame, ArrayView<double> rowSums, ArrayView<float> limits, int width, int height)
    {
        double sum = 0;
        for (int y = 0; y < height; y++)
        {
            sum += rowSums[(frame * height) + y];
        }

        float std = (float)Math.Sqrt(sum / Math.Max(1, width * height));
        limits[frame] = ClipStd * std;
    }

    /// <summary>Per row: Σ (f − V1)² and the count over the pixels with |f − V1| below the frame's limit.</summary>
    public static void RowClippedSquares(
        Index1D row, ArrayView<float> source, ArrayView<float> smooth1, ArrayView<float> limits, ArrayView<double> rowSums,
        ArrayView<int> rowCounts, int width, int height)
    {
        float limit = limits[row / height];
        long start = (long)(int)row * width;
        double sum = 0;
        int count = 0;
        for (int x = 0; x < width; x++)
        {
            float d = source[start + x] - smooth1[start + x];
            if (Math.Abs(d) < limit)
            {
                float square = d * d;
                sum += square;
                count++;
            }
        }

        rowSums[row] = sum;
        rowCounts[row] = count;
    }

    /// <summary>Per frame: noise = clipped std / 0.98657 and threshold = factor · noise.</summary>
    public static void Threshold(
        Index1D frame, ArrayView<double> rowSums, ArrayView<int> rowCounts, ArrayView<float> noise, ArrayView<float> thresholds, int height, float factor)
    {
        double sum = 0;
        int count = 0;
        for (int y = 0; y < height; y++)
        {
            sum += rowSums[(frame * height) + y];
            count += rowCounts[(frame * height) + y];
        }

        float std = count == 0 ? 0f : (float)Math.Sqrt(sum / count) / ClippedStdOfUnitGaussian;
        noise[frame] = std;
        thresholds[frame] = factor * std;
    }

    /// <summary>
    /// The per-pixel detection threshold: on photoelectrons (<paramref name="measured"/> 0) from the
    /// noise model (<see cref="DetectionNoise.At"/>) on V2, before <see cref="SecondLevel"/> overwrites
    /// it, the read variance from the map when <paramref name="useMap"/> is 1 (pixel i % <paramref name="pixels"/>)
    /// else the model's constant; on the temporal residual (<paramref name="measured"/> 1) the frame's
    /// measured threshold from <see cref="Threshold"/>.
    /// </summary>
    public static void LocalThresholds(
        Index1D index, ArrayView<float> smooth2, ArrayView<float> varianceMap, ArrayView<float> frameThresholds, ArrayView<float> thresholds, DetectionNoise noise,
        int pixels, int useMap, int measured, Sweep sweep)
    {
        for (int i = index; i < sweep.Total; i += sweep.Stride)
        {
            thresholds[i] = measured != 0 ? frameThresholds[i / pixels] : noise.At(smooth2[i], useMap != 0 ? varianceMap[i % pixels] : noise.ConstantVariance);
        }
    }

    /// <summary>
    /// Local maxima of W2 above the threshold at their pixel (PeakFinder's rule: strictly greater than the
    /// neighbours before it in scan order, at least equal to those after; on the image edge the
    /// missing neighbours are simply absent), appended with an atomic counter. The capacity holds
    /// every possible maximum (two maxima cannot touch), so nothing is dropped.
    /// </summary>
    public static void LocalMaxima(
        Index1D index, ArrayView<float> w2, ArrayView<float> thresholds, ArrayView<DeviceCandidate> candidates, ArrayView<int> count, int width, int height, Sweep sweep)
    {
        for (int i = index; i < sweep.Total; i += sweep.Stride)
        {
            MaximumAt(i, w2, thresholds, candidates, count, width, height);
        }
    }

    private static void MaximumAt(int i, ArrayView<float> w2, ArrayView<float> thresholds, ArrayView<DeviceCandidate> candidates, ArrayView<int> count, int width, int height)
    {
        int pixels = width * height;
        int frame = i / pixels;
        int inFrame = i - (frame * pixels);
        int y = inFrame / width;
        int x = inFrame - (y * width);
        float v = w2[i];
        if (v <= thresholds[i])
        {
            return;
        }

        bool isMaximum;
        if (x > 0 && y > 0 && x < width - 1 && y < height - 1)
        {
            long above = (long)i - width, below = (long)i + width;
            isMaximum = v > w2[above - 1] && v > w2[above] && v > w2[above + 1] && v > w2[i - 1]
                && v >= w2[i + 1] && v >= w2[below - 1] && v >= w2[below] && v >= w2[below + 1];
        }
        else
        {
            isMaximum = IsEdgeMaximum(w2, (long)i - inFrame, width, height, x, y, v);
        }

        if (isMaximum)
        {
            int slot = Atomic.Add(ref count[0], 1);
            if (slot < candidates.Length)
            {
                candidates[slot] = new DeviceCandidate(frame, x, y, v);
            }
        }
    }

    private static bool IsEdgeMaximum(ArrayView<float> w2, long frameStart, int width, int height, int x, int y, float v)
    {
        for (int dy = -1; dy <= 1; dy++)
        {
            for (int dx = -1; dx <= 1; dx++)
            {
                int nx = x + dx, ny = y + dy;
                if ((dx == 0 && dy == 0) || nx < 0 || ny < 0 || nx >= width || ny >= height)
                {
                    continue;
                }

                float n = w2[frameStart + (ny * width) + nx];
                bool earlier = dy < 0 || (dy == 0 && dx < 0);
                if (earlier ? v <= n : v < n)
                {
                    return false;
                }
            }
        }

        return true;
    }
}

/// <summary>A local maximum found on the device: the frame's slot in the batch, its pixel and W2 value.</summary>
internal struct DeviceCandidate
{
    public int Slot;
    public int X;
    public int Y;
    public float Value;

    public DeviceCandidate(int slot, int x, int y, float value)
    {
        Slot = slot;
        X = x;
        Y = y;
        Value = value;
    }
}

/// <summary>
/// A grid-stride sweep: thread t handles elements t, t + Stride, t + 2·Stride, … below Total. Launches
/// are sized to the device (enough threads to fill it), not to the data, so a small device (ILGPU's CPU
/// accelerator) runs few long threads and a large GPU many short ones.
/// </summary>
internal struct Sweep
{
    public int Total;
    public int Stride;

    public Sweep(int total, int maxThreads)
    {
        Total = total;
        Stride = Math.Max(1, Math.Min(total, maxThreads));
    }
}
