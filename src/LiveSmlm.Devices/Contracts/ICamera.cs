using LiveSmlm.Core;

namespace LiveSmlm.Devices;

/// <summary>
/// A camera in sequence acquisition, after MMDevice's CCameraBase (SetExposure, SetROI,
/// StartSequenceAcquisition, StopSequenceAcquisition, GetImageBuffer), but pull-based: the reader asks
/// for the next frame and passes the buffer to fill, so a pipeline can hand it pooled frames.
/// </summary>
/// <remarks>
/// <para>Threads. Two roles, never more:</para>
/// <list type="bullet">
/// <item>the control thread (the <see cref="DeviceSession"/>): Connect, SetExposure, SetFrameRate, SetRoi,
/// StartSequenceAcquisition, Disconnect. These are not called concurrently with each other.</item>
/// <item>one reader (the pipeline's camera stage): <see cref="TryReadFrameAsync"/>. At most one read is in
/// flight at a time.</item>
/// </list>
/// <para><see cref="StopSequenceAcquisition"/> may be called from any thread, also while a read is pending: that
/// read returns false promptly. The properties may be read from any thread.</para>
/// <para>Settings (exposure, frame rate, ROI) change only while not acquiring; during a sequence they
/// throw <see cref="InvalidOperationException"/> naming the camera.</para>
/// <para>Faults: a read throws <see cref="DeviceFaultException"/> (or its <see cref="CameraOverflowException"/>)
/// naming the camera and the frame; after that the sequence is over (IsAcquiring false) and a new
/// StartSequenceAcquisition is needed.</para>
/// </remarks>
public interface ICamera : IDevice
{
    /// <summary>Model and sensor; fixed for a connected camera.</summary>
    CameraInfo Info { get; }

    /// <summary>The region read out; frames are <see cref="CameraRoi.Width"/> × <see cref="CameraRoi.Height"/>.</summary>
    CameraRoi Roi { get; }

    double ExposureMs { get; }

    /// <summary>Frames per second of a paced sequence.</summary>
    double FrameRateHz { get; }

    bool IsAcquiring { get; }

    /// <summary>Frames handed to the reader in the current (or last) sequence.</summary>
    long FramesDelivered { get; }

    /// <summary>Sets the exposure; must fit in the frame period (≤ 1000 / FrameRateHz ms). Blocks until applied.</summary>
    void SetExposure(double exposureMs);

    /// <summary>Sets the frame rate; the exposure must still fit in the new period. Blocks until applied.</summary>
    void SetFrameRate(double frameRateHz);

    /// <summary>Sets the readout region, which must lie on the sensor; <see cref="CameraRoi.Full"/> resets it.</summary>
    void SetRoi(CameraRoi roi);

    /// <summary>
    /// Starts a sequence (frame 0 is the first read) and returns at once; frames are then read with
    /// <see cref="TryReadFrameAsync"/>. Throws <see cref="InvalidOperationException"/> when already
    /// acquiring or not connected, <see cref="NotSupportedException"/> for
    /// <see cref="FramePacing.AsFastAsPossible"/> without <see cref="DeviceCapabilities.UnpacedAcquisition"/>.
    /// </summary>
    void StartSequenceAcquisition(SequenceOptions options);

    /// <summary>
    /// Ends the sequence; a pending read returns false, later reads return false. Idempotent, any thread,
    /// does not block on the reader.
    /// </summary>
    void StopSequenceAcquisition();

    /// <summary>
    /// Waits for the next frame of the sequence and copies it into <paramref name="destination"/>
    /// (Roi-sized; a pooled frame is fine), setting its <see cref="Frame.Index"/> (from 0 in the
    /// sequence) and <see cref="Frame.TimestampSeconds"/> (start of exposure since the sequence began).
    /// Returns false when the sequence ends (frame count reached, stopped, replay without loop at its
    /// end). Blocks asynchronously until the frame is due (paced) or ready; throws
    /// <see cref="OperationCanceledException"/> on <paramref name="cancellationToken"/>,
    /// <see cref="DeviceFaultException"/> on a camera fault (<see cref="CameraTimeoutException"/> when no
    /// frame comes within <see cref="SequenceOptions.ReadTimeout"/>), <see cref="InvalidOperationException"/>
    /// when no sequence was started.
    /// </summary>
    ValueTask<bool> TryReadFrameAsync(Frame destination, CancellationToken cancellationToken = default);
}

/// <summary>How a sequence is timed.</summary>
public enum FramePacing
{
    /// <summary>One frame per 1 / FrameRateHz on a monotonic clock, as a real camera delivers them.</summary>
    RealTime,

    /// <summary>Each frame as soon as the reader asks (simulator and replay only), to measure the pipeline.</summary>
    AsFastAsPossible,
}

/// <summary>A sequence to acquire (MMDevice: StartSequenceAcquisition(numImages, interval, stopOnOverflow)).</summary>
public sealed record SequenceOptions
{
    /// <summary>A frame buffer of 512 frames (128 MiB at 256 × 256), about what a camera driver allocates.</summary>
    public const int DefaultBufferCapacityFrames = 512;

    /// <summary>Frames to acquire; null runs until stopped.</summary>
    public long? FrameCount { get; init; }

    public FramePacing Pacing { get; init; } = FramePacing.RealTime;

    /// <summary>
    /// Paced sequences: how far (in frames) the reader may fall behind the camera before frames are
    /// lost, which ends the sequence with <see cref="CameraOverflowException"/>. Overflow policy: never
    /// overwrite silently.
    /// </summary>
    public int BufferCapacityFrames { get; init; } = DefaultBufferCapacityFrames;

    /// <summary>
    /// How long a read may wait past its frame's due time before the camera counts as stopped
    /// (<see cref="CameraTimeoutException"/>); null waits until stopped or cancelled.
    /// </summary>
    public TimeSpan? ReadTimeout { get; init; }

    public void Validate()
    {
        if (FrameCount is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(FrameCount), FrameCount, "FrameCount must be ≥ 0, or null to run until stopped.");
        }

        if (!Enum.IsDefined(Pacing))
        {
            throw new ArgumentOutOfRangeException(nameof(Pacing), Pacing, "Pacing must be RealTime or AsFastAsPossible.");
        }

        if (ReadTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ReadTimeout), timeout, "ReadTimeout must be > 0, or null to wait until stopped.");
        }

        if (BufferCapacityFrames < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BufferCapacityFrames), BufferCapacityFrames, "BufferCapacityFrames must be ≥ 1.");
        }
    }
}

/// <summary>
/// An immutable description of a camera (consumers see this, not the driver): model, sensor size and the
/// photon conversion the localizer needs.
/// </summary>
/// <param name="Model">Make and model as the driver reports it ("Simulated sCMOS", "Replay of stack.tif").</param>
/// <param name="SensorType">"sCMOS", "EMCCD" or "CCD".</param>
/// <param name="SensorWidthPx">Full sensor width.</param>
/// <param name="SensorHeightPx">Full sensor height.</param>
/// <param name="PhotonModel">ADU → photons (pixel size, baseline, gain, QE, read noise).</param>
public sealed record CameraInfo(string Model, string SensorType, int SensorWidthPx, int SensorHeightPx, CameraModel PhotonModel)
{
    public double PixelSizeNm => PhotonModel.PixelSizeNm;
}

/// <summary>A readout rectangle on the sensor, pixels from the top-left corner.</summary>
public readonly record struct CameraRoi(int X, int Y, int Width, int Height)
{
    public static CameraRoi Full(int sensorWidthPx, int sensorHeightPx) => new(0, 0, sensorWidthPx, sensorHeightPx);

    public int PixelCount => Width * Height;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the camera when the ROI is empty or leaves the sensor.</summary>
    public void Validate(string cameraName, int sensorWidthPx, int sensorHeightPx)
    {
        if (Width < 1 || Height < 1 || X < 0 || Y < 0 || X + Width > sensorWidthPx || Y + Height > sensorHeightPx)
        {
            throw new ArgumentOutOfRangeException(
                nameof(CameraRoi),
                this,
                $"Camera '{cameraName}': ROI x={X}, y={Y}, {Width}×{Height} does not lie on the {sensorWidthPx}×{sensorHeightPx} sensor; it needs x ≥ 0, y ≥ 0, width, height ≥ 1, x + width ≤ {sensorWidthPx}, y + height ≤ {sensorHeightPx}.");
        }
    }
}
