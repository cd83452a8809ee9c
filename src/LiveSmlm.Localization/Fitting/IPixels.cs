namespace LiveSmlm.Localization;

/// <summary>
/// Read-only pixels of one fitting ROI, row-major (index = row · roiSize + column), photoelectrons with
/// the background still in (the model includes b). A struct implements it so that the same fit runs in
/// plain C# and inside ILGPU kernels (no virtual calls: the fit is generic over the struct).
/// </summary>
public interface IPixels
{
    float this[int index] { get; }
}

/// <summary>
/// ROI pixels held in a managed array, starting at <see cref="Offset"/>: the CPU backend's view.
/// The array is borrowed, never copied.
/// </summary>
public readonly struct ArrayPixels : IPixels
{
    private readonly float[] _values;

    public ArrayPixels(float[] values, int offset)
    {
        _values = values;
        Offset = offset;
    }

    public int Offset { get; }

    public float this[int index] => _values[Offset + index];
}

/// <summary>
/// Every pixel zero: the read-variance map of an EMCCD or of a camera whose read noise is
/// negligible, so the fit reduces to the plain Poisson likelihood.
/// </summary>
public readonly struct ZeroPixels : IPixels
{
    public float this[int index] => 0f;
}

/// <summary>
/// The same value in every pixel: the read variance (photoelectrons²) of a camera with uniform read
/// noise, added to data and model as Huang et al. (Nat Methods 2013) do for sCMOS.
/// </summary>
public readonly struct UniformPixels : IPixels
{
    public UniformPixels(float value)
    {
        Value = value;
    }

    public float Value { get; }

    public float this[int index] => Value;
}
