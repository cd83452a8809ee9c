using ILGPU;

namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// ROI pixels held in an ILGPU view, starting at an offset: the kernels' counterpart of
/// <see cref="ArrayPixels"/>, so that <see cref="GaussianMle.Fit{TPixels, TVariance}"/> runs unchanged on the device.
/// </summary>
public readonly struct ViewPixels : IPixels
{
    private readonly ArrayView<float> _view;
    private readonly int _offset;

    public ViewPixels(ArrayView<float> view, int offset)
    {
        _view = view;
        _offset = offset;
    }

    public float this[int index] => _view[_offset + index];
}
