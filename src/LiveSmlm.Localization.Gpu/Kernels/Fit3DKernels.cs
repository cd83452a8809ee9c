using ILGPU;

namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// The 3D fit on the device: one thread per ROI, each calling the CPU engine's own
/// <see cref="Emitter3D.Fit{TModel, TPixels, TVariance}"/> with the astigmatic-Gaussian or the cubic-spline model
/// (one definition of models, loop and CRLB). Loaded and compiled with the engine's kernels; the localizer does
/// not launch them yet (3D runs on the CPU engine), the tests run them on ILGPU's CPU accelerator against the CPU call.
/// </summary>
internal static class Fit3DKernels
{
    /// <summary>rois: roiSize² photoelectrons per ROI, back to back; no read noise.</summary>
    public static void FitGauss3D(
        Index1D roi, ArrayView<float> rois, ArrayView<Fit3DResult> results, int roiSize, AstigmaticCurve curveX, AstigmaticCurve curveY, float zMinNm, float zMaxNm, Fit3DOptions options)
    {
        var model = new AstigmaticGaussianModel(roiSize, curveX, curveY, zMinNm, zMaxNm);
        results[roi] = Emitter3D.Fit(ref model, new ViewPixels(rois, roi * roiSize * roiSize), default(ZeroPixels), roiSize, options);
    }

    /// <summary>As <see cref="FitGauss3D"/> with the spline PSF whose coefficients are <paramref name="coefficients"/> (<see cref="SplineGrid"/> layout).</summary>
    public static void FitSpline(
        Index1D roi, ArrayView<float> rois, ArrayView<float> coefficients, ArrayView<Fit3DResult> results, int roiSize, SplineGrid grid, float zMinNm, float zMaxNm, Fit3DOptions options)
    {
        var model = new SplinePsfModel<ViewPixels>(new ViewPixels(coefficients, 0), grid, zMinNm, zMaxNm);
        results[roi] = Emitter3D.Fit(ref model, new ViewPixels(rois, roi * roiSize * roiSize), default(ZeroPixels), roiSize, options);
    }
}
