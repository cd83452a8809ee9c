using LiveSmlm.Reconstruction;

namespace LiveSmlm.Devices.Slm;

/// <summary>
/// An SLM driven as a second monitor: it keeps the latest 8-bit phase image and hands it out as PNG for
/// a full-screen kiosk page (the web server's /slm route) that shows it unscaled on the panel.
/// </summary>
/// <remarks>
/// Thread-safe (one lock): the control thread shows patterns, the web server reads them. ShowPhase
/// returns once the image is stored; the page polls <see cref="Version"/> and reloads, so a pattern is on
/// the panel a display refresh (plus the liquid crystal's response, tens of ms) later. The simulated SLM
/// is this panel with injected faults (<see cref="Simulated.SimulatedSlm"/>, through the two hooks).
/// </remarks>
public class DisplaySlm : ISlm
{
    private readonly Lock _lock = new();
    private readonly byte[] _phase;
    private byte[]? _png;
    private bool _connected;
    private long _version;

    public DisplaySlm(string name, int widthPx, int heightPx)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(widthPx, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(heightPx, 1);
        Name = name;
        WidthPx = widthPx;
        HeightPx = heightPx;
        _phase = new byte[widthPx * heightPx];
    }

    public string Name { get; }

    public DeviceKind Kind => DeviceKind.Slm;

    public DeviceCapabilities Capabilities => DeviceCapabilities.ShowPhase;

    public int WidthPx { get; }

    public int HeightPx { get; }

    public bool IsConnected
    {
        get
        {
            lock (_lock)
            {
                return _connected;
            }
        }
    }

    /// <summary>Counts the patterns shown; a page reloads the PNG when it changes.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Shows a flat (all 0) pattern (unless <see cref="FlatOnConnect"/> is false).</summary>
    public void Connect()
    {
        lock (_lock)
        {
            if (!_connected)
            {
                OnConnecting();
                if (FlatOnConnect)
                {
                    Array.Clear(_phase);
                }

                _png = null;
                _connected = true;
                Interlocked.Increment(ref _version);
            }
        }
    }

    public void Disconnect()
    {
        lock (_lock)
        {
            _connected = false;
        }
    }

    public void ShowPhase(ReadOnlySpan<byte> phase)
    {
        lock (_lock)
        {
            if (!_connected)
            {
                throw new InvalidOperationException($"SLM '{Name}' is not connected; call Connect before ShowPhase.");
            }

            if (phase.Length != _phase.Length)
            {
                throw new ArgumentException($"SLM '{Name}' is {WidthPx}×{HeightPx} = {_phase.Length} pixels; the phase image has {phase.Length}.", nameof(phase));
            }

            OnShowing();
            phase.CopyTo(_phase);
            _png = null;
            Interlocked.Increment(ref _version);
            OnShown(_phase);
        }
    }

    /// <summary>A copy of the pattern shown.</summary>
    public byte[] CurrentPhase()
    {
        lock (_lock)
        {
            return (byte[])_phase.Clone();
        }
    }

    /// <summary>The pattern as an 8-bit grey PNG (encoded once per pattern).</summary>
    public byte[] Png() => PngWithVersion().Png;

    /// <summary>The PNG and the <see cref="Version"/> it shows, read together (a pattern shown meanwhile cannot split them).</summary>
    public (byte[] Png, long Version) PngWithVersion()
    {
        lock (_lock)
        {
            if (_png is null)
            {
                using var stream = new MemoryStream();
                PngWriter.WriteGray8(stream, WidthPx, HeightPx, _phase);
                _png = stream.ToArray();
            }

            return (_png, Interlocked.Read(ref _version));
        }
    }

    public void Dispose()
    {
        Disconnect();
        GC.SuppressFinalize(this);
    }

    /// <summary>Whether Connect clears the panel to a flat pattern (a monitor does; a simulated panel keeps its last pattern).</summary>
    protected virtual bool FlatOnConnect => true;

    /// <summary>Runs under the lock when Connect connects, before anything changes; an exception leaves the SLM disconnected.</summary>
    protected virtual void OnConnecting()
    {
    }

    /// <summary>Runs under the lock once a ShowPhase call is validated, before the pattern is stored; an exception leaves the old pattern.</summary>
    protected virtual void OnShowing()
    {
    }

    /// <summary>Runs under the lock once a pattern is stored, with it (valid during the call only).</summary>
    protected virtual void OnShown(ReadOnlySpan<byte> phase)
    {
    }
}
