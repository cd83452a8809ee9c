namespace LiveSmlm.Devices;

/// <summary>
/// A laser line: wavelength, power in mW within limits, emission on/off and a read-back of its state
/// (after MMDevice's shutter + property pattern, as one device).
/// </summary>
/// <remarks>
/// Threads: any control thread (the session, an activation controller, a safety hook) may call any
/// member; a driver serializes calls to the hardware itself, so two calls never interleave on the wire.
/// Every call blocks until the laser acknowledges (a serial round trip, milliseconds).
/// Faults: a call the laser does not acknowledge, or an interlock or temperature fault it reports,
/// throws <see cref="DeviceFaultException"/> naming the laser. Wrap every laser in
/// <see cref="LiveSmlm.Devices.Safety.SafeLaser"/>, which then switches emission off.
/// </remarks>
public interface ILaser : IDevice
{
    double WavelengthNm { get; }

    /// <summary>The range <see cref="SetPowerMw"/> accepts (the rig profile's limits, within the laser's own).</summary>
    PowerLimits Limits { get; }

    /// <summary>
    /// Sets the output power (applies at once if emission is on, else when it is switched on). Throws
    /// <see cref="ArgumentOutOfRangeException"/> naming the laser and its limits for a power outside
    /// <see cref="Limits"/>; nothing is changed then.
    /// </summary>
    void SetPowerMw(double powerMw);

    /// <summary>Switches emission on or off. Switching off must work in every state the laser can answer in.</summary>
    void SetEmission(bool on);

    /// <summary>Asks the laser for its state (not a cached copy where the laser can answer).</summary>
    LaserState ReadState();
}

/// <summary>Power limits of a laser line, mW.</summary>
public readonly record struct PowerLimits(double MinMw, double MaxMw)
{
    public bool Contains(double powerMw) => double.IsFinite(powerMw) && powerMw >= MinMw && powerMw <= MaxMw;
}

/// <summary>An immutable snapshot of a laser as it reported itself.</summary>
/// <param name="SetPowerMw">The power it is set to.</param>
/// <param name="MeasuredPowerMw">The power it measures at its output (0 with emission off).</param>
/// <param name="EmissionOn">Whether it emits.</param>
public readonly record struct LaserState(double SetPowerMw, double MeasuredPowerMw, bool EmissionOn);
