using LiveSmlm.Devices.Slm;

namespace LiveSmlm.Devices.Simulated;

/// <summary>
/// A simulated phase SLM: a <see cref="DisplaySlm"/> panel that keeps the last pattern shown (also across
/// a reconnect) so that tests and the live view can read it back, with injected faults on Connect and
/// ShowPhase.
/// </summary>
/// <remarks>Thread-safe (one lock); the contract still asks for the control thread only.</remarks>
public sealed class SimulatedSlm : DisplaySlm, IFaultInjectable
{
    private readonly FaultInjector _faults;
    private long _patternsShown;

    public SimulatedSlm(string name, int widthPx, int heightPx)
        : base(name, widthPx, heightPx)
    {
        _faults = new FaultInjector(name);
    }

    public long PatternsShown => Interlocked.Read(ref _patternsShown);

    protected override bool FlatOnConnect => false;

    public void InjectFault(string reason, bool persistent = false) => _faults.Inject(reason, persistent);

    public void ClearFault() => _faults.Clear();

    protected override void OnConnecting() => _faults.ThrowIfFaulted(nameof(Connect));

    protected override void OnShowing()
    {
        _faults.ThrowIfFaulted(nameof(ShowPhase));
        Interlocked.Increment(ref _patternsShown);
    }
}
