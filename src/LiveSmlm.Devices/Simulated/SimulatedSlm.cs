using LiveSmlm.Devices.Slm;
using LiveSmlm.Simulation.Optics;

namespace LiveSmlm.Devices.Simulated;

/// <summary>
/// A simulated phase SLM: a <see cref="DisplaySlm"/> panel that keeps the last pattern shown (also across
/// a reconnect) so that tests and the live view can read it back, with injected faults on Connect and
/// ShowPhase. Each pattern shown is mapped back to phase with the panel's calibration and handed to the
/// simulated optics (<see cref="SimulatedRig"/> puts it in the simulated camera's pupil).
/// </summary>
/// <remarks>Thread-safe (one lock); the contract still asks for the control thread only. The pattern callback runs under that lock.</remarks>
public sealed class SimulatedSlm : DisplaySlm, IFaultInjectable
{
    private readonly FaultInjector _faults;
    private readonly Action<PupilPhaseMap>? _patternShown;
    private long _patternsShown;
    private PupilPhaseMap _pupilPhase;

    /// <param name="name">Device name.</param>
    /// <param name="widthPx">Panel width.</param>
    /// <param name="heightPx">Panel height.</param>
    /// <param name="grayFor2Pi">The grey level of a 2π delay (the panel's calibration).</param>
    /// <param name="patternShown">Called with the phase of every pattern shown (under the SLM's lock; keep it short, take no lock that waits on the SLM).</param>
    public SimulatedSlm(string name, int widthPx, int heightPx, int grayFor2Pi = 255, Action<PupilPhaseMap>? patternShown = null)
        : base(name, widthPx, heightPx)
    {
        _faults = new FaultInjector(name);
        GrayFor2Pi = grayFor2Pi;
        _patternShown = patternShown;
        _pupilPhase = PupilPhaseMap.FromGray(new byte[widthPx * heightPx], widthPx, heightPx, grayFor2Pi);
    }

    public long PatternsShown => Interlocked.Read(ref _patternsShown);

    /// <summary>The grey level of a 2π delay on this panel.</summary>
    public int GrayFor2Pi { get; }

    /// <summary>The phase the panel shows now (radians; flat before the first pattern).</summary>
    public PupilPhaseMap PupilPhase => Volatile.Read(ref _pupilPhase);

    protected override bool FlatOnConnect => false;

    public void InjectFault(string reason, bool persistent = false) => _faults.Inject(reason, persistent);

    public void ClearFault() => _faults.Clear();

    protected override void OnConnecting() => _faults.ThrowIfFaulted(nameof(Connect));

    protected override void OnShowing()
    {
        _faults.ThrowIfFaulted(nameof(ShowPhase));
        Interlocked.Increment(ref _patternsShown);
    }

    protected override void OnShown(ReadOnlySpan<byte> phase)
    {
        var map = PupilPhaseMap.FromGray(phase, WidthPx, HeightPx, GrayFor2Pi);
        Volatile.Write(ref _pupilPhase, map);
        _patternShown?.Invoke(map);
    }
}
