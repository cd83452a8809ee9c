using System.Globalization;
using LiveSmlm.Acquisition.Pipeline;
using LiveSmlm.Reconstruction;

namespace LiveSmlm.Acquisition.Session;

/// <summary>
/// The live drift monitor as a sink: every batch goes into <see cref="LiveDriftMonitor"/> (RCC, beads when the
/// sample has them); each update is published as a <see cref="DriftSnapshot"/> on <see cref="AcquisitionLive"/>.
/// Full-mode Wait with a deep channel: a drift update takes a while, and the estimate must see every localization.
/// </summary>
public sealed class DriftMonitorSink(LiveDriftMonitor monitor, AcquisitionLive? live) : ILocalizationSink
{
    /// <summary>Batches the drift sink may queue while an update runs.</summary>
    public const int Capacity = 64;

    public string Name => "drift";

    public LiveDriftMonitor Monitor => monitor;

    /// <summary>The estimate made by <see cref="Complete"/>; null before.</summary>
    public DriftEstimate? Final { get; private set; }

    /// <summary>Live updates made so far.</summary>
    public int Updates { get; private set; }

    public void Write(LocalizationBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (monitor.Add(batch.Span, batch.FirstFrame + batch.FrameCount - 1) is { } estimate)
        {
            Updates++;
            Publish(estimate);
        }
    }

    public void Complete()
    {
        Final = monitor.Finish();
        Publish(Final);
    }

    public void Dispose()
    {
    }

    private void Publish(DriftEstimate estimate) =>
        live?.Publish(new DriftSnapshot(monitor.LastFrame, estimate.Method, estimate.Beads, estimate.Trace, estimate.Reliability));
}

/// <summary>
/// The live FRC resolution as a sink: localizations are binned into the two halves as they arrive, the FRC is
/// computed every <c>updateFrames</c> frames and published as a <see cref="ResolutionSnapshot"/>; when asked, it
/// stops the acquisition once the resolution has improved by less than a set amount over a set number of frames.
/// Full-mode Wait: binning is cheap and every localization counts.
/// </summary>
public sealed class ResolutionMonitorSink : ILocalizationSink
{
    private readonly FrcResolutionMonitor _monitor;
    private readonly int _updateFrames;
    private readonly double? _stopImprovementNm;
    private readonly int _stopOverFrames;
    private readonly Action<string>? _requestStop;
    private readonly AcquisitionLive? _live;
    private readonly List<ResolutionPoint> _history = [];
    private long _nextUpdate;
    private long _lastFrame = -1;

    /// <param name="monitor">The FRC monitor (field, pixel, blocks).</param>
    /// <param name="updateFrames">Frames between two FRC computations.</param>
    /// <param name="stopImprovementNm">Stop when the resolution improved by less than this over <paramref name="stopOverFrames"/>; null: never.</param>
    /// <param name="stopOverFrames">The span the improvement is measured over.</param>
    /// <param name="requestStop">Ends the acquisition cleanly, with the reason.</param>
    /// <param name="live">Where snapshots go; none when null.</param>
    public ResolutionMonitorSink(FrcResolutionMonitor monitor, int updateFrames, double? stopImprovementNm, int stopOverFrames, Action<string>? requestStop, AcquisitionLive? live)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentOutOfRangeException.ThrowIfLessThan(updateFrames, 1);
        _monitor = monitor;
        _updateFrames = updateFrames;
        _nextUpdate = updateFrames;
        _stopImprovementNm = stopImprovementNm;
        _stopOverFrames = stopOverFrames;
        _requestStop = requestStop;
        _live = live;
    }

    public string Name => "resolution";

    /// <summary>Every computation so far, in order.</summary>
    public IReadOnlyList<ResolutionPoint> History => _history;

    /// <summary>The stop reason, when this sink stopped the acquisition.</summary>
    public string? StopReason { get; private set; }

    public void Write(LocalizationBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _monitor.Add(batch.Span);
        _lastFrame = batch.FirstFrame + batch.FrameCount - 1;
        if (_lastFrame + 1 < _nextUpdate)
        {
            return;
        }

        _nextUpdate = ((_lastFrame + 1) / _updateFrames * _updateFrames) + _updateFrames;
        Compute();
        if (StopReason is null && _stopImprovementNm is { } minNm && _monitor.HasStoppedImproving(minNm, _stopOverFrames))
        {
            StopReason = string.Create(
                CultureInfo.InvariantCulture,
                $"the FRC resolution ({_history[^1].ResolutionNm:0.0} nm at frame {_lastFrame}) improved by less than {minNm} nm over the last {_stopOverFrames} frames");
            _requestStop?.Invoke(StopReason);
        }
    }

    public void Complete()
    {
        if (_history.Count == 0 || _history[^1].LastFrame != _lastFrame)
        {
            Compute();
        }
    }

    public void Dispose()
    {
    }

    private void Compute()
    {
        FrcCurve curve = _monitor.Compute();
        _history.Add(new ResolutionPoint(_lastFrame, _monitor.LocalizationCount, curve.ResolutionNm));
        _live?.Publish(new ResolutionSnapshot(_lastFrame, _monitor.LocalizationCount, curve.ResolutionNm, [.. _history]));
    }
}
