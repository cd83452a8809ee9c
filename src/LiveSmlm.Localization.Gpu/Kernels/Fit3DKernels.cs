using ILGPU;

namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// The 3D fit on the device: one thread per ROI, each calling the CPU engine's own
/// <see cref="Emitter3D.Fit{TModel, TPixels, TVariance}"/> with the astigmatic-Gaussian or the cubic-spline model
/// (one definition of models, loop and CRLB). The localizer launches them when its settings hold a calibration.
/// </summary>
/// <remarks>
/// Two kernels per model because the read variance is a type parameter of the fit: the same value in every
/// pixel (0 for an EMCCD or a camera without read noise: μ + 0 and n + 0 are exact in float, so it is the
/// CPU's zero-variance fit bit for bit), or per pixel, cut like the ROIs (sCMOS maps, temporal flattening).
/// </remarks>
internal static class Fit3DKernels
{
    /// <summary>rois: roiSize² photoelectrons per ROI, back to back; <paramref name="readVariance"/> in every pixel.</summary>
    public static void FitGauss3D(
        Index1D roi, ArrayView<float> rois, ArrayView<Fit3DResult> results, int roiSize, AstigmaticCurve curveX, AstigmaticCurve curveY, float zMinNm, float zMaxNm, Fit3DOptions options,
        float readVariance)
    {
        var model = new AstigmaticGaussianModel(roiSize, curveX, curveY, zMinNm, zMaxNm);
        results[roi] = Emitter3D.Fit(ref model, new ViewPixels(rois, roi * roiSize * roiSize), new UniformPixels(readVariance), roiSize, options);
    }

    /// <summary>As <see cref="FitGauss3D"/> with per-pixel read variance cut into <paramref name="variance"/> like the ROIs.</summary>
    public static void FitGauss3DMapped(
        Index1D roi, ArrayView<float> rois, ArrayView<float> variance, ArrayView<Fit3DResult> results, int roiSize, AstigmaticCurve curveX, AstigmaticCurve curveY,
        float zMinNm, float zMaxNm, Fit3DOptions options)
    {
        int offset = roi * roiSize * roiSize;
        var model = new AstigmaticGaussianModel(roiSize, curveX, curveY, zMinNm, zMaxNm);
        results[roi] = Emitter3D.Fit(ref model, new ViewPixels(rois, offset), new ViewPixels(variance, offset), roiSize, options);
    }

    /// <summary>As <see cref="FitGauss3D"/> with the spline PSF whose coefficients are <paramref name="coefficients"/> (<see cref="SplineGrid"/> layout).</summary>
    public static void FitSpline(
        Index1D roi, ArrayView<float> rois, ArrayView<float> coefficients, ArrayView<Fit3DResult> results, int roiSize, SplineGrid grid, float zMinNm, float zMaxNm, Fit3DOptions options,
        float readVariance)
    {
        var model = new SplinePsfModel<ViewPixels>(new ViewPixels(coefficients, 0), grid, zMinNm, zMaxNm);
        results[roi] = Emitter3D.Fit(ref model, new ViewPixels(rois, roi * roiSize * roiSize), new UniformPixels(readVariance), roiSize, options);
    }

    /// <summary>As <see cref="FitSpline"/> with per-pixel read variance cut into <paramref name="variance"/> like the ROIs.</summary>
    public static void FitSplineMapped(
        Index1D roi, ArrayView<float> rois, ArrayView<float> variance, ArrayView<float> coefficients, ArrayView<Fit3DResult> results, int roiSize, SplineGrid grid,
        float zMinNm, float zMaxNm, Fit3DOptions options)
    {
        int offset = roi * roiSize * roiSize;
        var model = new SplinePsfModel<ViewPixels>(new ViewPixels(coefficients, 0), grid, zMinNm, zMaxNm);
        results[roi] = Emitter3D.Fit(ref model, new ViewPixels(rois, offset), new ViewPixels(variance, offset), roiSize, options);
    }
}
