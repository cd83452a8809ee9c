namespace LiveSmlm.Simulation;

/// <summary>One dye that emitted during a frame's exposure: its index and its on time within the exposure, s.</summary>
public readonly record struct EmitterOnTime(int Id, double OnTimeS);

/// <summary>
/// The continuous-time state model of every dye: inactive → active → (dark ↔ active) → bleached, or
/// for DNA-PAINT unbound ↔ bound. Exact event times within each frame; only active dyes cost work.
/// </summary>
/// <remarks>
/// Inactive dyes share one activation rate k(t) = spontaneous + crossSection · P405 that changes only
/// between frames, so each draws an Exp(1) threshold on the cumulative dose D(t) = ∫k dt and activates
/// when D crosses it: exact for piecewise-constant power, and a power change costs nothing.
/// Dark dyes return at a constant rate, so their return time is drawn once and kept in a queue.
/// Not thread-safe: the camera calls it from one thread per frame.
/// </remarks>
public sealed class FluorophoreEnsemble
{
    private readonly double _offSwitchingPerS;
    private readonly double _bleachingPerS;
    private readonly double _returnPerS;
    private readonly bool _isBinding;
    private readonly double _bindingPerS;
    private readonly PhotophysicsSettings _settings;

    // Inactive dyes keyed by their dose threshold; dark dyes keyed by their absolute return time, s.
    private readonly PriorityQueue<int, double> _inactive = new();
    private readonly PriorityQueue<int, double> _dark = new();
    private readonly List<ActiveDye> _active = [];
    private Xoshiro256 _rng;
    private double _dose;

    public FluorophoreEnsemble(PhotophysicsSettings settings, int count, Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _settings = settings;
        _rng = rng;
        _isBinding = settings.Kind == PhotophysicsKind.Binding;
        _bindingPerS = settings.BindingPerS;
        _offSwitchingPerS = _isBinding ? settings.UnbindingPerS : settings.OffSwitchingPerS;
        _bleachingPerS = _isBinding ? 0 : settings.BleachingPerS;
        _returnPerS = _isBinding ? _bindingPerS : settings.ReturnPerS;
        Count = count;
        for (int id = 0; id < count; id++)
        {
            _inactive.Enqueue(id, RandomDistributions.Exponential(ref _rng, 1));
        }
    }

    /// <summary>Number of dyes, bleached ones included.</summary>
    public int Count { get; }

    /// <summary>Dyes that have never been active yet.</summary>
    public int InactiveCount => _inactive.Count;

    /// <summary>Activation rate of an inactive dye at this 405 power, per s (the binding rate for DNA-PAINT).</summary>
    public double ActivationRatePerS(double activationPowerMw) =>
        _isBinding
            ? _bindingPerS
            : _settings.SpontaneousActivationPerS + (_settings.ActivationCrossSectionPerSPerMw * activationPowerMw);

    /// <summary>
    /// Advances every dye through [startS, startS + periodS) and lists those on during the exposure
    /// [startS, startS + exposureS) with their on time there. The activation power holds for the frame.
    /// </summary>
    public void AdvanceFrame(double startS, double periodS, double exposureS, double activationPowerMw, List<EmitterOnTime> onDuringExposure)
    {
        ArgumentNullException.ThrowIfNull(onDuringExposure);
        onDuringExposure.Clear();
        double endS = startS + periodS;
        double exposureEndS = startS + exposureS;

        double rate = ActivationRatePerS(activationPowerMw);
        double doseStart = _dose;
        _dose += rate * periodS;
        while (_inactive.TryPeek(out int id, out double threshold) && threshold < _dose)
        {
            _inactive.Dequeue();
            Activate(id, startS + ((threshold - doseStart) / rate));
        }

        while (_dark.TryPeek(out int id, out double returnS) && returnS < endS)
        {
            _dark.Dequeue();
            Activate(id, returnS);
        }

        for (int i = _active.Count - 1; i >= 0; i--)
        {
            ActiveDye dye = _active[i];
            double onTimeS = 0;
            bool stillActive = true;
            while (true)
            {
                onTimeS += Math.Max(0, Math.Min(dye.OffS, exposureEndS) - Math.Max(dye.OnS, startS));
                if (dye.OffS >= endS)
                {
                    break;
                }

                if (dye.Bleaches)
                {
                    stillActive = false;
                    break;
                }

                double backS = dye.OffS + RandomDistributions.Exponential(ref _rng, _returnPerS);
                if (backS >= endS)
                {
                    if (double.IsFinite(backS))
                    {
                        _dark.Enqueue(dye.Id, backS);
                    }

                    stillActive = false;
                    break;
                }

                dye = NewActive(dye.Id, backS);
            }

            if (stillActive)
            {
                _active[i] = dye;
            }
            else
            {
                _active[i] = _active[^1];
                _active.RemoveAt(_active.Count - 1);
            }

            if (onTimeS > 0)
            {
                onDuringExposure.Add(new EmitterOnTime(dye.Id, onTimeS));
            }
        }

        // Ids in a fixed order so the truth list does not depend on the swap-removal order above.
        onDuringExposure.Sort(static (a, b) => a.Id.CompareTo(b.Id));
    }

    private void Activate(int id, double onS) => _active.Add(NewActive(id, onS));

    // Leaving the active state is a race of off-switching and bleaching: the time is Exp(sum of rates),
    // the winner is bleaching with probability kBleach / (kOff + kBleach).
    private ActiveDye NewActive(int id, double onS)
    {
        double exitRate = _offSwitchingPerS + _bleachingPerS;
        double offS = onS + RandomDistributions.Exponential(ref _rng, exitRate);
        bool bleaches = exitRate > 0 && _rng.NextDouble() * exitRate < _bleachingPerS;
        return new ActiveDye(id, onS, offS, bleaches);
    }

    private readonly record struct ActiveDye(int Id, double OnS, double OffS, bool Bleaches);
}
