namespace LiveSmlm.Devices;

/// <summary>
/// A trigger / DAQ box (TriggerScope-like): analog output channels in volts and digital TTL lines that
/// gate lasers and start exposures, after MMDevice's SignalIO (SetSignal, GetLimits) and State devices.
/// </summary>
/// <remarks>
/// Threads: the control thread only. Each call blocks until the box acknowledges.
/// Faults: <see cref="DeviceFaultException"/> naming the device and channel; outputs may hold their
/// last value. <see cref="IDevice.Disconnect"/> sets every output to 0 V / low first.
/// </remarks>
public interface ITrigger : IDevice
{
    int AnalogChannelCount { get; }

    int DigitalLineCount { get; }

    /// <summary>The voltage range of analog channel <paramref name="channel"/> (0-based).</summary>
    VoltageRange AnalogRange(int channel);

    /// <summary>
    /// Sets an analog output. Throws <see cref="ArgumentOutOfRangeException"/> naming the channel and
    /// its range for a channel that does not exist or a voltage outside <see cref="AnalogRange"/>.
    /// </summary>
    void SetAnalogVolts(int channel, double volts);

    /// <summary>The value last set on an analog channel, V.</summary>
    double GetAnalogVolts(int channel);

    /// <summary>Sets a digital line high or low; <see cref="ArgumentOutOfRangeException"/> for a line that does not exist.</summary>
    void SetDigitalLine(int line, bool high);

    bool GetDigitalLine(int line);
}

/// <summary>An analog output range, V.</summary>
public readonly record struct VoltageRange(double MinVolts, double MaxVolts)
{
    public bool Contains(double volts) => double.IsFinite(volts) && volts >= MinVolts && volts <= MaxVolts;
}
