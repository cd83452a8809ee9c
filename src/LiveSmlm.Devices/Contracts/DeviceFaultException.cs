namespace LiveSmlm.Devices;

/// <summary>
/// A device failed: it did not answer, reported an error, or (simulated) was told to fault. The
/// message names the device and what it was doing; <see cref="DeviceName"/> carries the name for code.
/// </summary>
public class DeviceFaultException : Exception
{
    public DeviceFaultException()
    {
        DeviceName = string.Empty;
    }

    public DeviceFaultException(string message)
        : base(message)
    {
        DeviceName = string.Empty;
    }

    public DeviceFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
        DeviceName = string.Empty;
    }

    public DeviceFaultException(string deviceName, string operation, string reason, Exception? innerException = null)
        : base($"Device '{deviceName}' faulted during {operation}: {reason}", innerException)
    {
        DeviceName = deviceName;
        Operation = operation;
    }

    /// <summary>The device's <see cref="IDevice.Name"/>.</summary>
    public string DeviceName { get; }

    /// <summary>What the device was asked to do when it faulted ("SetPowerMw", "TryReadFrameAsync").</summary>
    public string? Operation { get; }
}

/// <summary>
/// The camera's frame buffer overflowed: the reader fell further behind the camera than the buffer
/// holds, so frames were lost (Micro-Manager: "circular buffer overflow"). The sequence is over.
/// </summary>
public sealed class CameraOverflowException : DeviceFaultException
{
    public CameraOverflowException()
    {
    }

    public CameraOverflowException(string message)
        : base(message)
    {
    }

    public CameraOverflowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CameraOverflowException(string deviceName, long frameIndex, long behindFrames, int capacityFrames)
        : base(
            deviceName,
            "TryReadFrameAsync",
            $"the reader is {behindFrames} frames behind the camera at frame {frameIndex} but the buffer holds {capacityFrames}; frames were lost. Read faster (or raise SequenceOptions.BufferCapacityFrames).")
    {
        FrameIndex = frameIndex;
        BehindFrames = behindFrames;
    }

    public long FrameIndex { get; }

    public long BehindFrames { get; }
}

/// <summary>The camera stopped delivering: no frame came within <see cref="SequenceOptions.ReadTimeout"/> of its due time. The sequence is over.</summary>
public sealed class CameraTimeoutException : DeviceFaultException
{
    public CameraTimeoutException()
    {
    }

    public CameraTimeoutException(string message)
        : base(message)
    {
    }

    public CameraTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CameraTimeoutException(string deviceName, long frameIndex, TimeSpan timeout)
        : base(
            deviceName,
            "TryReadFrameAsync",
            $"the camera stopped delivering: frame {frameIndex} did not come within {timeout.TotalSeconds:G4} s of its due time. Check its cable, trigger and driver.")
    {
        FrameIndex = frameIndex;
    }

    public long FrameIndex { get; }
}
