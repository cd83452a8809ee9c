using ILGPU;
using ILGPU.Runtime;

namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// The 3D calibration as the device fits it: the astigmatic curves in pixels, or the spline's coefficients
/// uploaded once when the localizer is made, with the model's z range and the 3D fit options; launches
/// the <see cref="Fit3DKernels"/> kernel for the read-noise case of a launch.
/// </summary>
internal sealed class DeviceModel3D : IDisposable
{
    private readonly AstigmaticCurve _curveX;
    private readonly AstigmaticCurve _curveY;
    private readonly SplineGrid _grid;
    private readonly float _zMinNm;
    private readonly float _zMaxNm;
    private readonly Fit3DOptions _options;

    // Invariant: non-null exactly for the spline model; written once here, only read by kernels after.
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _coefficients;

    public DeviceModel3D(LocalizerSettings settings, Accelerator accelerator, DeviceAllocator allocator)
    {
        PsfCalibration3D c = settings.Calibration3D ?? throw new ArgumentException("The 3D device model needs settings with a 3D calibration (Calibration3D).", nameof(settings));
        _options = settings.ToFit3DOptions();
        _curveX = c.X.ToPixels(c.PixelSizeNm);
        _curveY = c.Y.ToPixels(c.PixelSizeNm);
        (_zMinNm, _zMaxNm) = ((float)c.ZMinNm, (float)c.ZMaxNm);
        if (settings.Psf3D == Psf3DModel.Spline)
        {
            float[] coefficients = c.SplineCoefficients();
            _grid = c.Spline!.Grid;
            (_zMinNm, _zMaxNm) = c.SplineZRange();
            _coefficients = allocator.Device<float>(coefficients.Length);
            _coefficients.View.CopyFromCPU(accelerator.DefaultStream, coefficients);
            accelerator.DefaultStream.Synchronize();
        }
    }

    /// <summary>
    /// Enqueues the fit of <paramref name="count"/> ROIs of <paramref name="roiSize"/>² px on <paramref name="stream"/>:
    /// with the per-pixel <paramref name="variance"/> when given, else <paramref name="uniformVariance"/> in every pixel.
    /// </summary>
    public void Fit(
        KernelSet kernels, AcceleratorStream stream, int count, ArrayView<float> rois, ArrayView<float>? variance, float uniformVariance,
        ArrayView<Fit3DResult> results, int roiSize)
    {
        if (_coefficients is not null)
        {
            if (variance is { } v)
            {
                kernels.FitSplineMapped(stream, count, rois, v, _coefficients.View, results, roiSize, _grid, _zMinNm, _zMaxNm, _options);
            }
            else
            {
                kernels.FitSpline(stream, count, rois, _coefficients.View, results, roiSize, _grid, _zMinNm, _zMaxNm, _options, uniformVariance);
            }
        }
        else if (variance is { } v)
        {
            kernels.FitGauss3DMapped(stream, count, rois, v, results, roiSize, _curveX, _curveY, _zMinNm, _zMaxNm, _options);
        }
        else
        {
            kernels.FitGauss3D(stream, count, rois, results, roiSize, _curveX, _curveY, _zMinNm, _zMaxNm, _options, uniformVariance);
        }
    }

    public void Dispose() => _coefficients?.Dispose();
}
