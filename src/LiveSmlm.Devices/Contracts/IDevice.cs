namespace LiveSmlm.Devices;

/// <summary>What kind of device a driver is (one interface per kind).</summary>
public enum DeviceKind
{
    Camera,
    Laser,
    Slm,
    Trigger,
}

/// <summary>
/// What every device has, after Micro-Manager's MMDevice (Initialize / Shutdown / GetName): a name for
/// errors and logs, explicit capability flags, and a connection.
/// </summary>
/// <remarks>
/// Threads: <see cref="Connect"/> and <see cref="Disconnect"/> are called by the control thread (the
/// <see cref="DeviceSession"/>), never concurrently with each other. The read-only properties may be read
/// from any thread.
/// Faults: a device that stops answering or reports an error throws <see cref="DeviceFaultException"/>
/// naming itself; it never returns a made-up value.
/// </remarks>
public interface IDevice : IDisposable
{
    /// <summary>Unique within a rig ("camera", "405", "640", "slm"); used in every error message.</summary>
    string Name { get; }

    DeviceKind Kind { get; }

    /// <summary>What this driver can do; calling an operation whose flag is missing throws <see cref="NotSupportedException"/>.</summary>
    DeviceCapabilities Capabilities { get; }

    bool IsConnected { get; }

    /// <summary>
    /// Opens the device (port, SDK handle) and brings it to a known safe state: a laser with emission
    /// off, a camera not acquiring. Blocks until the device answers. Throws
    /// <see cref="DeviceFaultException"/> when it does not; calling it when connected does nothing.
    /// </summary>
    void Connect();

    /// <summary>
    /// Leaves the device safe (laser emission off, acquisition stopped) and releases it. May be called
    /// several times and on a device that never connected. Blocks until the device is released.
    /// </summary>
    void Disconnect();
}
