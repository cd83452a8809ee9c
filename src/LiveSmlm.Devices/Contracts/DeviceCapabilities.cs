namespace LiveSmlm.Devices;

/// <summary>
/// Explicit capability flags (NINA style: CanSetPower, HasExternalTrigger) so that callers ask before
/// they act instead of catching exceptions. One flag set for every device kind; a device sets only the
/// flags of its kind.
/// </summary>
[Flags]
public enum DeviceCapabilities
{
    None = 0,

    /// <summary>Camera: <see cref="ICamera.SetExposure"/> works.</summary>
    SetExposure = 1 << 0,

    /// <summary>Camera: <see cref="ICamera.SetFrameRate"/> works.</summary>
    SetFrameRate = 1 << 1,

    /// <summary>Camera: <see cref="ICamera.SetRoi"/> works.</summary>
    SetRoi = 1 << 2,

    /// <summary>Camera: frames can be produced as fast as the reader takes them (<see cref="FramePacing.AsFastAsPossible"/>); only sources that make frames (simulator, replay) can.</summary>
    UnpacedAcquisition = 1 << 3,

    /// <summary>Camera: exposures can start on an external TTL edge.</summary>
    ExternalTrigger = 1 << 4,

    /// <summary>Laser: <see cref="ILaser.SetPowerMw"/> works.</summary>
    SetPower = 1 << 8,

    /// <summary>Laser: <see cref="LaserState.MeasuredPowerMw"/> is a measurement (photodiode), not the set value echoed.</summary>
    MeasuredPower = 1 << 9,

    /// <summary>Laser: emission can be switched on and off by software (<see cref="ILaser.SetEmission"/>).</summary>
    SwitchEmission = 1 << 10,

    /// <summary>SLM: <see cref="ISlm.ShowPhase"/> works.</summary>
    ShowPhase = 1 << 16,

    /// <summary>Trigger: analog output channels (<see cref="ITrigger.SetAnalogVolts"/>).</summary>
    AnalogOutput = 1 << 20,

    /// <summary>Trigger: digital TTL lines (<see cref="ITrigger.SetDigitalLine"/>).</summary>
    DigitalOutput = 1 << 21,
}

/// <summary>Helpers that turn a missing capability into a clear error.</summary>
public static class DeviceCapabilityCheck
{
    /// <summary>Throws <see cref="NotSupportedException"/> naming the device and the missing capability.</summary>
    public static void Require(this IDevice device, DeviceCapabilities needed, string operation)
    {
        ArgumentNullException.ThrowIfNull(device);
        if ((device.Capabilities & needed) != needed)
        {
            throw new NotSupportedException(
                $"{device.Kind} '{device.Name}' cannot {operation}: it lacks the {needed & ~device.Capabilities} capability (it has {device.Capabilities}).");
        }
    }
}
