namespace LiveSmlm.Devices;

/// <summary>
/// A phase-only spatial light modulator that shows 8-bit phase images (0 … 255 ↦ 0 … 2π), after
/// MMDevice's SLMDevice (SetImage + DisplayImage as one call).
/// </summary>
/// <remarks>
/// Threads: the control thread only. <see cref="ShowPhase"/> blocks until the pattern is on the panel
/// and has settled (liquid crystal response), so a frame acquired after it returns sees the new pattern.
/// Faults: <see cref="DeviceFaultException"/> naming the SLM; the previous pattern may still be shown.
/// </remarks>
public interface ISlm : IDevice
{
    int WidthPx { get; }

    int HeightPx { get; }

    /// <summary>
    /// Shows <paramref name="phase"/>: row-major, exactly WidthPx · HeightPx bytes, else
    /// <see cref="ArgumentException"/> naming both sizes. The caller may reuse the buffer after return.
    /// </summary>
    void ShowPhase(ReadOnlySpan<byte> phase);
}
