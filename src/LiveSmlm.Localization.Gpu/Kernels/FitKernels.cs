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
