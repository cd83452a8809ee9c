using System.Globalization;
using LiveSmlm.Acquisition.Pipeline;
using LiveSmlm.Devices;

namespace LiveSmlm.Acquisition.Session;

using Localization = LiveSmlm.Core.Localization;

/// <summary>One window of the acquisition log: its frames, localizations and the laser powers at its end.</summary>
public sealed record AcquisitionWindow(long FirstFrame, long Frames, long Localizations, double LocalizationsPerFrame, IReadOnlyDictionary<string, double> LaserPowersMw);

/// <summary>
/// The per-window log of summary.json: localizations per window of <see cref="WindowFrames"/> frames
/// (by frame number) and the lasers' emitted power when the window closes (the watchdog's last reading).
/// Full-mode Wait: cheap, and the log must not have gaps.
/// </summary>
public sealed class WindowLogSink : ILocalizationSink
{
    private readonly Func<IReadOnlyDictionary<string, double>> _powers;
    private readonly List<AcquisitionWindow> _windows = [];
    private long _windowStart;
    private long _windowLocs;
    private long _framesSeen;

    public WindowLogSink(int windowFrames, Func<IReadOnlyDictionary<string, double>> powers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowFrames, 1);
        ArgumentNullException.ThrowIfNull(powers);
        WindowFrames = windowFrames;
        _powers = powers;
    }

    public string Name => "windows";

    public int WindowFrames { get; }

    /// <summary>The closed windows; read after the run.</summary>
    public IReadOnlyList<AcquisitionWindow> Windows => _windows;

    public void Write(LocalizationBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (ref readonly Localization loc in batch.Span)
        {
            while (loc.Frame >= _windowStart + WindowFrames)
            {
                Close(WindowFrames);
            }

            _windowLocs++;
        }

        _framesSeen = batch.FirstFrame + batch.FrameCount;
        while (_framesSeen >= _windowStart + WindowFrames)
        {
            Close(WindowFrames);
        }
    }

    /// <summary>Closes the last, partial window.</summary>
    public void Complete() => Flush();

    /// <summary>Closes the partial window (also after a failed run, for the summary).</summary>
    public void Flush()
    {
        if (_framesSeen > _windowStart)
        {
            Close(_framesSeen - _windowStart);
        }
    }

    public void Dispose()
    {
    }

    private void Close(long frames)
    {
        _windows.Add(new AcquisitionWindow(_windowStart, frames, _windowLocs, Math.Round(_windowLocs / (double)frames, 3), _powers()));
        _windowStart += frames;
        _windowLocs = 0;
    }
}

/// <summary>A sink that counts the frames it has been given, for the queue depths of the status line.</summary>
public sealed class CountingSink(ILocalizationSink inner) : ILocalizationSink
{
    private long _frames;

    public string Name => inner.Name;

    /// <summary>Frames written to the inner sink so far (any thread).</summary>
    public long Frames => Interlocked.Read(ref _frames);

    public void Write(LocalizationBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        inner.Write(batch);
        Interlocked.Add(ref _frames, batch.FrameCount);
    }

    public void Complete() => inner.Complete();

    public void Dispose() => inner.Dispose();
}

/// <summary>
/// Polls every laser's state on its own task during the acquisition (as a rig's monitor would) and
/// keeps the last emitted powers. A laser that faults calls <c>onFault</c> at once (the session then
/// stops the camera and switches every laser off); the watchdog stops then.
/// </summary>
public sealed class LaserWatchdog : IAsyncDisposable
{
    private readonly IReadOnlyList<ILaser> _lasers;
    private readonly Action<Exception> _onFault;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _period;
    private IReadOnlyDictionary<string, double> _powers;
    private Task? _task;

    public LaserWatchdog(IReadOnlyList<ILaser> lasers, TimeSpan period, Action<Exception> onFault)
    {
        ArgumentNullException.ThrowIfNull(lasers);
        ArgumentNullException.ThrowIfNull(onFault);
        _lasers = lasers;
        _period = period;
        _onFault = onFault;
        _powers = lasers.ToDictionary(l => l.Name, _ => 0.0);
    }

    /// <summary>The emitted power of each laser at the last poll, mW.</summary>
    public IReadOnlyDictionary<string, double> Powers => Volatile.Read(ref _powers);

    /// <summary>The fault that stopped the watchdog, if any.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Reads every laser once (on the caller's thread) and starts polling.</summary>
    public void Start()
    {
        Poll();
        _task = Task.Run(RunAsync);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_task is not null)
        {
            await _task.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(_period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                if (!Poll())
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped at the end of the acquisition.
        }
    }

    private bool Poll()
    {
        try
        {
            var powers = new Dictionary<string, double>(_lasers.Count);
            foreach (ILaser laser in _lasers)
            {
                powers[laser.Name] = Math.Round(laser.ReadState().MeasuredPowerMw, 3);
            }

            Volatile.Write(ref _powers, powers);
            return true;
        }
#pragma warning disable CA1031 // Not swallowed: handed to the session, which faults the run with it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fault = e;
            Volatile.Write(ref _powers, _lasers.ToDictionary(l => l.Name, _ => 0.0));
            _onFault(e);
            return false;
        }
    }

    /// <summary>"405: 6 mW, 640: 150 mW" for the status line.</summary>
    public static string Describe(IReadOnlyDictionary<string, double> powers) =>
        string.Join(", ", powers.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}: {p.Value:G4} mW")));
}
