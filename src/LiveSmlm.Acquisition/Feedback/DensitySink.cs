using LiveSmlm.Acquisition.Pipeline;

namespace LiveSmlm.Acquisition.Feedback;

using Localization = LiveSmlm.Core.Localization;

/// <summary>One entry of summary.json's density_log: a window of frames, its density, the setpoint and the 405 nm power over it.</summary>
/// <param name="Frame">First frame of the window.</param>
/// <param name="Frames">Frames in the window.</param>
/// <param name="LocalizationsPerFrame">Localizations per frame from the localizer, averaged over the window.</param>
/// <param name="LocalizationsPerUm2">The same per µm² of the camera field.</param>
/// <param name="Setpoint">The controller's setpoint at the window's end, localizations per frame; null without feedback.</param>
/// <param name="Power405Mw">Mean activation power over the window's frames, mW.</param>
/// <param name="FitFreePerFrame">Spots per frame counted without fitting, when that estimate runs; null otherwise.</param>
/// <param name="Mode">automatic, manual, or off (no feedback).</param>
/// <param name="Saturated">The controller sat at maximum power below setpoint at the window's end.</param>
public sealed record DensityLogEntry(long Frame, long Frames, double LocalizationsPerFrame, double LocalizationsPerUm2, double? Setpoint, [property: System.Text.Json.Serialization.JsonPropertyName("power_405_mw")] double Power405Mw, double? FitFreePerFrame, string Mode, bool Saturated);

/// <summary>
/// Fit-free spots per frame, counted on the camera's reader thread (<see cref="FitFreeDensityEstimator"/>), summed per
/// log window for the density log and handed frame by frame to the controller when it measures with them.
/// </summary>
public sealed class FitFreeDensityMeter
{
    private readonly FitFreeDensityEstimator _estimator;
    private readonly ActivationController? _controller;
    private readonly int _windowFrames;
    private readonly Lock _lock = new();
    private readonly List<double> _windowSums = [];

    public FitFreeDensityMeter(FitFreeDensityEstimator estimator, int windowFrames, ActivationController? controller)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowFrames, 1);
        _estimator = estimator;
        _windowFrames = windowFrames;
        _controller = controller;
    }

    /// <summary>Counts one frame (the reader thread, frames in order).</summary>
    public void Measure(Core.Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int count = _estimator.Count(frame);
        int window = (int)(frame.Index / _windowFrames);
        lock (_lock)
        {
            while (_windowSums.Count <= window)
            {
                _windowSums.Add(0);
            }

            _windowSums[window] += count;
        }

        _controller?.AddFrame(frame.Index, count);
    }

    /// <summary>The sum over log window <paramref name="window"/> so far (0 if none measured).</summary>
    public double WindowSum(int window)
    {
        lock (_lock)
        {
            return window < _windowSums.Count ? _windowSums[window] : 0;
        }
    }
}

/// <summary>
/// Localizations per frame from the localizer: handed frame by frame to the controller (when it measures with them)
/// and logged per window of <see cref="WindowFrames"/> frames for summary.json's density_log, with the setpoint and the
/// activation power. Full-mode Wait: cheap, and the controller must see every frame.
/// </summary>
public sealed class DensitySink : ILocalizationSink
{
    private readonly List<DensityLogEntry> _log = [];
    private readonly double _fieldAreaUm2;
    private readonly ActivationController? _controller;
    private readonly bool _feedController;
    private readonly Func<long, double> _powerAt;
    private readonly FitFreeDensityMeter? _fitFree;
    private long _windowStart;
    private long _windowLocs;
    private double _windowPower;
    private long _windowFrames;

    /// <param name="windowFrames">Frames per log entry.</param>
    /// <param name="fieldAreaUm2">Camera field, µm².</param>
    /// <param name="controller">The activation controller (null without feedback).</param>
    /// <param name="feedController">Hand each frame's localizations to the controller (it measures with the localizer).</param>
    /// <param name="powerAt">The activation power in effect at a frame, mW.</param>
    /// <param name="fitFree">The fit-free meter, when it runs (its window sums join the log).</param>
    public DensitySink(int windowFrames, double fieldAreaUm2, ActivationController? controller, bool feedController, Func<long, double> powerAt, FitFreeDensityMeter? fitFree)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowFrames, 1);
        ArgumentNullException.ThrowIfNull(powerAt);
        WindowFrames = windowFrames;
        _fieldAreaUm2 = fieldAreaUm2;
        _controller = controller;
        _feedController = feedController && controller is not null;
        _powerAt = powerAt;
        _fitFree = fitFree;
    }

    public string Name => "density";

    public int WindowFrames { get; }

    /// <summary>The closed windows; read after the run (or from the sink's thread).</summary>
    public IReadOnlyList<DensityLogEntry> Log => _log;

    public void Write(LocalizationBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<Localization> locs = batch.Span;
        int i = 0;
        for (long frame = batch.FirstFrame; frame < batch.FirstFrame + batch.FrameCount; frame++)
        {
            int n = 0;
            while (i < locs.Length && locs[i].Frame <= frame)
            {
                // Localizations come in frame order; one before the batch's first frame would be a pipeline bug, counted here anyway.
                n++;
                i++;
            }

            AddFrame(frame, n);
        }
    }

    public void Complete() => Flush();

    /// <summary>Closes the partial last window (also after a failed run, for the summary).</summary>
    public void Flush()
    {
        if (_windowFrames > 0)
        {
            Close();
        }
    }

    public void Dispose()
    {
    }

    private void AddFrame(long frame, int localizations)
    {
        if (_feedController)
        {
            _controller!.AddFrame(frame, localizations);
        }

        if (_windowFrames == 0)
        {
            _windowStart = frame;
        }

        _windowLocs += localizations;
        _windowPower += _powerAt(frame);
        _windowFrames++;
        if (_windowFrames == WindowFrames || (frame + 1) % WindowFrames == 0)
        {
            Close();
        }
    }

    private void Close()
    {
        double perFrame = _windowLocs / (double)_windowFrames;
        ActivationControllerSnapshot? state = _controller?.Snapshot();
        double? fitFree = _fitFree is null ? null : Math.Round(_fitFree.WindowSum((int)(_windowStart / WindowFrames)) / _windowFrames, 3);
        _log.Add(new DensityLogEntry(
            _windowStart,
            _windowFrames,
            Math.Round(perFrame, 3),
            Math.Round(perFrame / _fieldAreaUm2, 5),
            state is null ? null : Math.Round(state.SetpointPerFrame, 3),
            Math.Round(_windowPower / _windowFrames, 4),
            fitFree,
            state is null ? "off" : state.Mode == FeedbackMode.Automatic ? "automatic" : "manual",
            state?.Saturated ?? false));
        _windowLocs = 0;
        _windowPower = 0;
        _windowFrames = 0;
    }
}
