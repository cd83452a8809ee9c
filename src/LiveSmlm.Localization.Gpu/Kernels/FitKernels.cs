using ILGPU;

namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// The MLE fit on the device: one thread per ROI, each calling the CPU engine's own
/// <see cref="GaussianMle.Fit{TPixels, TVariance}"/> (one definition of model, derivatives and CRLB).
/// </summary>
/// <remarks>
/// One kernel per read-noise case because the variance is a type parameter of the fit (no virtual
/// calls on the device): none (EMCCD / negligible), uniform (sCMOS without maps), per-pixel map.
/// </remarks>
internal static class FitKernels
{
    /// <summary>rois: roiSize² photoelectrons per ROI, back to back; no read noise.</summary>
    public static void FitNoReadNoise(Index1D roi, ArrayView<float> rois, ArrayView<FitResult> results, int roiSize, FitOptions options)
    {
        results[roi] = GaussianMle.Fit(new ViewPixels(rois, roi * roiSize * roiSize), default(ZeroPixels), roiSize, options);
    }

    /// <summary>As <see cref="FitNoReadNoise"/>, with the same read variance (photoelectrons²) in every pixel.</summary>
    public static void FitUniformReadNoise(
        Index1D roi, ArrayView<float> rois, ArrayView<FitResult> results, int roiSize, FitOptions options, float readVariance)
    {
        results[roi] = GaussianMle.Fit(new ViewPixels(rois, roi * roiSize * roiSize), new UniformPixels(readVariance), roiSize, options);
    }

    /// <summary>As <see cref="FitNoReadNoise"/>, with per-pixel read variance cut into <paramref name="variance"/> like the ROIs.</summary>
    public static void FitMappedReadNoise(
        Index1D roi, ArrayView<float> rois, ArrayView<float> variance, ArrayView<FitResult> results, int roiSize, FitOptions options)
    {
        int offset = roi * roiSize * roiSize;
        results[roi] = GaussianMle.Fit(new ViewPixels(rois, offset), new ViewPixels(variance, offset), roiSize, options);
    }

    /// <summary>
    /// The multi-emitter search (<see cref="MultiEmitterSearch.Search{TPixels, TVariance}"/>, the CPU
    /// engine's own definition) on ROIs whose single fits are <paramref name="singles"/>, with per-pixel
    /// extra variance cut like the ROIs: one thread per ROI.
    /// </summary>
    public static void SearchMultiEmitter(
        Index1D roi, ArrayView<float> rois, ArrayView<float> variance, ArrayView<FitResult> singles, ArrayView<MultiEmitterResult> results,
        int roiSize, FitOptions options, MultiEmitterOptions search)
    {
        int offset = roi * roiSize * roiSize;
        FitResult single = singles[roi];
        results[roi] = MultiEmitterSearch.Search(
            new ViewPixels(rois, offset), new ViewPixels(variance, offset), roiSize, options, search, single, out _, out _, out _);
    }

    /// <summary>
    /// Cuts ROIs out of the frames of a batch: thread k writes pixel k % roiSize² of ROI k / roiSize².
    /// placements: (frame slot, x0, y0) per ROI; the ROI lies inside the frame (clamped by the host).
    /// </summary>
    public static void CutRois(
        Index1D index, ArrayView<float> frames, ArrayView<RoiPlacement> placements, ArrayView<float> rois, int width, int height, int roiSize)
    {
        int area = roiSize * roiSize;
        int roi = index / area;
        int pixel = index - (roi * area);
        RoiPlacement place = placements[roi];
        int row = pixel / roiSize;
        int column = pixel - (row * roiSize);
        long source = ((long)place.Slot * width * height) + ((long)(place.Y0 + row) * width) + place.X0 + column;
        rois[index] = frames[source];
    }

    /// <summary>
    /// Temporal mode, one thread per ROI: cuts f − B + mean(B) and, as extra variance, read variance +
    /// max(B − mean(B), 0) (RoiFitter.FlattenBackground: static structure is neither fitted as an
    /// emitter nor trusted as signal). The mean is summed in double in the CPU's order.
    /// </summary>
    public static void CutFlattened(
        Index1D roi, ArrayView<float> frames, ArrayView<float> background, ArrayView<float> varianceMap, ArrayView<RoiPlacement> placements,
        ArrayView<float> rois, ArrayView<float> variance, FlattenGeometry g)
    {
        RoiPlacement place = placements[roi];
        long frameStart = (long)place.Slot * g.Width * g.Height;
        int area = g.RoiSize * g.RoiSize;
        double sum = 0;
        for (int j = 0; j < g.RoiSize; j++)
        {
            long row = frameStart + ((long)(place.Y0 + j) * g.Width) + place.X0;
            for (int i = 0; i < g.RoiSize; i++)
            {
                sum += background[row + i];
            }
        }

        float mean = (float)(sum / area);
        for (int j = 0; j < g.RoiSize; j++)
        {
            int mapRow = ((place.Y0 + j) * g.Width) + place.X0;
            long row = frameStart + mapRow;
            for (int i = 0; i < g.RoiSize; i++)
            {
                float b = background[row + i];
                int k = (roi * area) + (j * g.RoiSize) + i;
                rois[k] = frames[row + i] + (mean - b);
                variance[k] = (g.UseMap != 0 ? varianceMap[mapRow + i] : g.UniformVariance) + MathF.Max(b - mean, 0f);
            }
        }
    }

    /// <summary>Cuts the read-variance map (one frame's worth, shared by all frames) like <see cref="CutRois"/>.</summary>
    public static void CutVariance(
        Index1D index, ArrayView<float> map, ArrayView<RoiPlacement> placements, ArrayView<float> rois, int width, int roiSize)
    {
        int area = roiSize * roiSize;
        int roi = index / area;
        int pixel = index - (roi * area);
        RoiPlacement place = placements[roi];
        int row = pixel / roiSize;
        int column = pixel - (row * roiSize);
        rois[index] = map[((place.Y0 + row) * width) + place.X0 + column];
    }
}

/// <summary>Where a ROI is cut: the frame's slot in the batch and the ROI's top-left pixel.</summary>
internal struct RoiPlacement
{
    public int Slot;
    public int X0;
    public int Y0;

    public RoiPlacement(int slot, int x0, int y0)
    {
        Slot = slot;
        X0 = x0;
        Y0 = y0;
    }
}

/// <summary>Scalars of a flattened cut: frame size, ROI side, read-noise source.</summary>
internal struct FlattenGeometry
{
    public int Width;
    public int Height;
    public int RoiSize;
    public int UseMap;
    public float UniformVariance;
}
