using LiveSmlm.Devices.Profiles;

namespace LiveSmlm.Acquisition.Feedback;

/// <summary>Who sets the activation power: the person (manual) or the controller (automatic).</summary>
public enum FeedbackMode
{
    Manual,
    Automatic,
}

/// <summary>One controller update: the window it measured, the density, the setpoint then and the power before and after.</summary>
public readonly record struct ControllerUpdate(long FirstFrame, int Frames, double MeasuredPerFrame, double SetpointPerFrame, double PowerBeforeMw, double PowerAfterMw, long AppliesFromFrame, bool Saturated);

/// <summary>What the controller is doing now: immutable, safe to hand to the live view.</summary>
public sealed record ActivationControllerSnapshot(
    long LastFrame,
    FeedbackMode Mode,
    double SetpointPerFrame,
    double SetpointPerUm2,
    double MeasuredPerFrame,
    double MeasuredPerUm2,
    double PowerMw,
    double MaxPowerMw,
    double ProportionalGain,
    double IntegralGain,
    bool Saturated,
    bool Exhausted,
    long Updates);

/// <summary>
/// Keeps the emitter density at a setpoint by steering the activation (405 nm) power: a PI controller on
/// the logarithm of the power, with output limits [0, max] and anti-windup, a sampling window and a settling
/// wait after each change (QC-STORM), bumpless manual ↔ automatic switching, and a report when it sits at
/// maximum power below the setpoint (the sample is exhausted).
/// </summary>
/// <remarks>
/// Threads: one data-plane thread calls <see cref="AddFrame"/> (frames in order); any thread may call the
/// setters, the mode switches, <see cref="Snapshot"/> and <see cref="PowerAt"/>. All state is under one lock,
/// taken once per frame (uncontended: the control plane touches it a few times a second).
/// Law (velocity form): after each window, with e = (setpoint − measured)/setpoint clamped to [−1, 1],
/// ln(p + s) += clamp(Kp·(e − e_prev) + Ki·e, ±maxLogStep), then p is clamped to [0, max]. The state is the
/// output itself, so a clamped output cannot wind up; the scale s lets the power leave 0. After every change
/// the next measurement starts <see cref="FeedbackProfile.SettlingFrames"/> frames after the frame the change
/// reaches (the caller's <c>applyPower</c> says which frame that is: with a lagging localizer it is later
/// than the frame measured last).
/// </remarks>
public sealed class ActivationController
{
    private readonly Lock _lock = new();
    private readonly Func<double, long> _applyPower;
    private readonly double _fieldAreaUm2;
    private readonly List<(long FromFrame, double PowerMw)> _powerHistory = [];
    private readonly List<ControllerUpdate> _updates = [];
    private FeedbackProfile _settings;
    private FeedbackMode _mode;
    private double _powerMw;
    private double _previousError = double.NaN;
    private long _measureFrom;
    private long _windowFirst = -1;
    private int _windowFrames;
    private double _windowSum;
    private double _lastMeasured = double.NaN;
    private long _lastFrame = -1;
    private int _saturatedWindows;
    private bool _exhausted;

    /// <param name="settings">Setpoint, gains, window, settling (the profile's feedback section).</param>
    /// <param name="maxPowerMw">Upper output limit (the laser's maximum); the lower limit is 0.</param>
    /// <param name="initialPowerMw">The power the laser is at now.</param>
    /// <param name="fieldAreaUm2">Area of the camera field, µm² (for densities per µm²).</param>
    /// <param name="applyPower">Sets the laser; returns the first frame that receives the new power.</param>
    /// <param name="mode">Start in automatic (the default) or manual.</param>
    public ActivationController(FeedbackProfile settings, double maxPowerMw, double initialPowerMw, double fieldAreaUm2, Func<double, long> applyPower, FeedbackMode mode = FeedbackMode.Automatic)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(applyPower);
        settings.Validate("feedback");
        if (!(double.IsFinite(maxPowerMw) && maxPowerMw > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxPowerMw), maxPowerMw, "The activation laser's maximum power must be > 0 mW.");
        }

        if (!(double.IsFinite(initialPowerMw) && initialPowerMw >= 0 && initialPowerMw <= maxPowerMw))
        {
            throw new ArgumentOutOfRangeException(nameof(initialPowerMw), initialPowerMw, $"The starting power must be within [0, {maxPowerMw}] mW.");
        }

        if (!(double.IsFinite(fieldAreaUm2) && fieldAreaUm2 > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(fieldAreaUm2), fieldAreaUm2, "The field area must be > 0 µm².");
        }

        _settings = settings;
        MaxPowerMw = maxPowerMw;
        _powerMw = initialPowerMw;
        _fieldAreaUm2 = fieldAreaUm2;
        _applyPower = applyPower;
        _mode = mode;
        _powerHistory.Add((0, initialPowerMw));
    }

    /// <summary>Raised once, on the data-plane thread, when the sample counts as exhausted.</summary>
    public event Action<ActivationControllerSnapshot>? Exhausted;

    public double MaxPowerMw { get; }

    public FeedbackProfile Settings
    {
        get { lock (_lock) { return _settings; } }
    }

    public FeedbackMode Mode
    {
        get { lock (_lock) { return _mode; } }
    }

    /// <summary>The power the controller last set (or was told in manual), mW.</summary>
    public double PowerMw
    {
        get { lock (_lock) { return _powerMw; } }
    }

    /// <summary>True once the power has sat at maximum with the density below setpoint for <see cref="FeedbackProfile.ExhaustedWindows"/> windows.</summary>
    public bool IsExhausted
    {
        get { lock (_lock) { return _exhausted; } }
    }

    /// <summary>The density to hold, localizations per frame. Settable live (any thread); applies from the next window.</summary>
    public double SetpointLocalizationsPerFrame
    {
        get { lock (_lock) { return _settings.SetpointLocalizationsPerFrame; } }
        set => Update(s => s with { SetpointLocalizationsPerFrame = value });
    }

    /// <summary>The setpoint per µm² of the field (the same setting in other units).</summary>
    public double SetpointPerUm2
    {
        get => SetpointLocalizationsPerFrame / _fieldAreaUm2;
        set => SetpointLocalizationsPerFrame = value * _fieldAreaUm2;
    }

    /// <summary>Changes the gains live; the output does not jump (velocity form).</summary>
    public void SetGains(double proportionalGain, double integralGain) =>
        Update(s => s with { ProportionalGain = proportionalGain, IntegralGain = integralGain });

    /// <summary>Changes any setting live (validated with field paths under "feedback"; the old settings stay on error).</summary>
    public void Update(Func<FeedbackProfile, FeedbackProfile> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_lock)
        {
            FeedbackProfile next = change(_settings);
            next.Validate("feedback");
            _settings = next;
        }
    }

    /// <summary>
    /// Hands the power to the controller, bumplessly: it continues from the power the laser is at, and the
    /// first window after the switch moves it by the integral term only (no proportional kick).
    /// </summary>
    public void SwitchToAutomatic()
    {
        lock (_lock)
        {
            if (_mode == FeedbackMode.Automatic)
            {
                return;
            }

            _mode = FeedbackMode.Automatic;
            _previousError = double.NaN;
            _saturatedWindows = 0;
            RestartWindow(_lastFrame + 1);
        }
    }

    /// <summary>Hands the power to the person; the laser stays where the controller left it until <see cref="SetManualPowerMw"/>.</summary>
    public void SwitchToManual()
    {
        lock (_lock)
        {
            _mode = FeedbackMode.Manual;
            _saturatedWindows = 0;
        }
    }

    /// <summary>Sets the power by hand (manual mode only; in automatic the controller owns it).</summary>
    public void SetManualPowerMw(double powerMw)
    {
        lock (_lock)
        {
            if (_mode != FeedbackMode.Manual)
            {
                throw new InvalidOperationException($"The activation power is under automatic control; switch to manual before setting it by hand ({powerMw} mW asked).");
            }

            if (!(double.IsFinite(powerMw) && powerMw >= 0 && powerMw <= MaxPowerMw))
            {
                throw new ArgumentOutOfRangeException(nameof(powerMw), powerMw, $"The activation power must be within [0, {MaxPowerMw}] mW.");
            }

            Apply(powerMw);
        }
    }

    /// <summary>
    /// The density measured in one frame (localizations, or fit-free spots, in that frame). Frames come in
    /// order, each once; a frame may be skipped only if it was not measured at all.
    /// </summary>
    public void AddFrame(long frame, double count)
    {
        ActivationControllerSnapshot? exhausted = null;
        lock (_lock)
        {
            if (frame <= _lastFrame)
            {
                throw new ArgumentOutOfRangeException(nameof(frame), frame, $"Frames must reach the controller in order; frame {frame} came after frame {_lastFrame}.");
            }

            _lastFrame = frame;
            if (frame < _measureFrom)
            {
                return;
            }

            if (_windowFirst < 0)
            {
                _windowFirst = frame;
            }

            _windowSum += count;
            _windowFrames++;
            if (_windowFrames < _settings.WindowFrames)
            {
                return;
            }

            double measured = _windowSum / _windowFrames;
            _lastMeasured = measured;
            if (_mode == FeedbackMode.Automatic)
            {
                exhausted = Step(measured);
            }
            else
            {
                RestartWindow(frame + 1);
            }
        }

        if (exhausted is not null)
        {
            Exhausted?.Invoke(exhausted);
        }
    }

    /// <summary>The power in effect at a frame, as far as the controller knows (what it set and from when).</summary>
    public double PowerAt(long frame)
    {
        lock (_lock)
        {
            for (int i = _powerHistory.Count - 1; i >= 0; i--)
            {
                if (_powerHistory[i].FromFrame <= frame)
                {
                    return _powerHistory[i].PowerMw;
                }
            }

            return _powerHistory[0].PowerMw;
        }
    }

    /// <summary>Every automatic update so far (a copy).</summary>
    public IReadOnlyList<ControllerUpdate> Updates()
    {
        lock (_lock)
        {
            return [.. _updates];
        }
    }

    public ActivationControllerSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new ActivationControllerSnapshot(
                _lastFrame,
                _mode,
                _settings.SetpointLocalizationsPerFrame,
                _settings.SetpointLocalizationsPerFrame / _fieldAreaUm2,
                _lastMeasured,
                _lastMeasured / _fieldAreaUm2,
                _powerMw,
                MaxPowerMw,
                _settings.ProportionalGain,
                _settings.IntegralGain,
                IsSaturatedLocked(),
                _exhausted,
                _updates.Count);
        }
    }

    private ActivationControllerSnapshot? Step(double measured)
    {
        FeedbackProfile s = _settings;
        double setpoint = s.SetpointLocalizationsPerFrame;
        double error = Math.Clamp((setpoint - measured) / setpoint, -1, 1);
        double change = s.IntegralGain * error;
        if (double.IsFinite(_previousError))
        {
            change += s.ProportionalGain * (error - _previousError);
        }

        _previousError = error;
        change = Math.Clamp(change, -s.MaxLogStep, s.MaxLogStep);
        double before = _powerMw;
        double after = Math.Clamp(((before + s.LowPowerScaleMw) * Math.Exp(change)) - s.LowPowerScaleMw, 0, MaxPowerMw);
        long appliesFrom = after != before ? Apply(after) : _lastFrame + 1;
        bool saturated = after >= MaxPowerMw && measured < setpoint;
        _updates.Add(new ControllerUpdate(_windowFirst, _windowFrames, measured, setpoint, before, after, appliesFrom, saturated));
        RestartWindow(after != before ? appliesFrom + s.SettlingFrames : _lastFrame + 1);

        _saturatedWindows = saturated ? _saturatedWindows + 1 : 0;
        if (!_exhausted && _saturatedWindows >= s.ExhaustedWindows)
        {
            _exhausted = true;
            return new ActivationControllerSnapshot(
                _lastFrame, _mode, setpoint, setpoint / _fieldAreaUm2, measured, measured / _fieldAreaUm2, _powerMw, MaxPowerMw, s.ProportionalGain, s.IntegralGain, true, true, _updates.Count);
        }

        return null;
    }

    private long Apply(double powerMw)
    {
        long from = _applyPower(powerMw);
        _powerMw = powerMw;
        while (_powerHistory.Count > 0 && _powerHistory[^1].FromFrame >= from)
        {
            _powerHistory.RemoveAt(_powerHistory.Count - 1);
        }

        _powerHistory.Add((from, powerMw));
        return from;
    }

    private void RestartWindow(long measureFrom)
    {
        _measureFrom = measureFrom;
        _windowFirst = -1;
        _windowFrames = 0;
        _windowSum = 0;
    }

    private bool IsSaturatedLocked() => _powerMw >= MaxPowerMw && _lastMeasured < _settings.SetpointLocalizationsPerFrame;
}
