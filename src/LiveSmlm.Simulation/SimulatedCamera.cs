using LiveSmlm.Core;

namespace LiveSmlm.Simulation;

/// <summary>
/// The simulated rig's camera: a sample of blinking dyes, drifting, imaged through a Gaussian PSF onto a
/// noisy sensor, frame by frame, with the ground truth of every frame alongside. Seeded and deterministic.
/// </summary>
/// <remarks>
/// Called from one thread (IFrameSource). <see cref="ActivationPowerMw"/> and <see cref="ExcitationPowerMw"/>
/// may be set from any thread; a frame reads each once at its start, so a change applies from the next frame.
/// Dye ids are 0 … Labels.Count − 1; fiducial beads follow them.
/// </remarks>
public sealed class SimulatedCamera : IFrameSource
{
    // Stream numbers of the independent random streams derived from the seed.
    private const ulong SampleStream = 1;
    private const ulong PhotophysicsStream = 2;
    private const ulong BackgroundStream = 3;
    private const ulong NoiseStream = 4;

    private readonly CameraSettings _camera;
    private readonly OpticsSettings _optics;
    private readonly PhotophysicsSettings _photophysics;
    private readonly DriftSettings _drift;
    private readonly FluorophoreEnsemble _ensemble;
    private readonly CameraNoise _noise;
    private readonly float[] _background;
    private readonly float[] _expected;
    private readonly ushort[] _adu;
    private readonly List<SampleLabel> _labels;
    private readonly List<SampleLabel> _fiducials;
    private readonly List<EmitterOnTime> _onTimes = [];
    private readonly List<GroundTruthEmitter> _truth = [];
    private readonly double _fiducialPhotonsPerFrame;
    private readonly long? _frameLimit;
    private double _activationPowerMw;
    private double _excitationPowerMw;
    private long _nextIndex;
    private bool _disposed;

    public SimulatedCamera(SimulationSettings settings, ulong seed, long? frameLimit = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (frameLimit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frameLimit), frameLimit, "frameLimit must be ≥ 0, or null for an endless camera.");
        }

        Settings = settings;
        _camera = settings.Camera;
        _optics = settings.Optics;
        _photophysics = settings.Photophysics;
        _drift = settings.Drift;
        _frameLimit = frameLimit;
        _activationPowerMw = settings.ActivationPowerMw;
        _excitationPowerMw = settings.ExcitationPowerMw;

        double pixelNm = _camera.Model.PixelSizeNm;
        double widthNm = _camera.WidthPx * pixelNm;
        double heightNm = _camera.HeightPx * pixelNm;
        var sampleRng = Xoshiro256.ForStream(seed, SampleStream, 0);
        _labels = SampleGenerator.Generate(settings.Sample, widthNm, heightNm, ref sampleRng);
        _fiducials = SampleGenerator.GenerateFiducials(settings.Sample, widthNm, heightNm, ref sampleRng);
        _fiducialPhotonsPerFrame = settings.Sample.Fiducials?.PhotonsPerFrame ?? 0;

        _ensemble = new FluorophoreEnsemble(_photophysics, _labels.Count, Xoshiro256.ForStream(seed, PhotophysicsStream, 0));
        var backgroundRng = Xoshiro256.ForStream(seed, BackgroundStream, 0);
        _background = StructuredBackground.Build(settings.Background, _camera.WidthPx, _camera.HeightPx, pixelNm, ref backgroundRng);
        _noise = new CameraNoise(_camera.Model, _camera.WidthPx, _camera.HeightPx, Xoshiro256.SplitMix64(ref seed) ^ NoiseStream);
        _expected = new float[_camera.WidthPx * _camera.HeightPx];
        _adu = new ushort[_expected.Length];
    }

    public SimulationSettings Settings { get; }

    public int Width => _camera.WidthPx;

    public int Height => _camera.HeightPx;

    /// <summary>Null (endless) unless a frame limit was given.</summary>
    public long? FrameCount => _frameLimit;

    /// <summary>Dye positions in the sample before drift, nm; the index is the dye's truth id.</summary>
    public IReadOnlyList<SampleLabel> Labels => _labels;

    /// <summary>Bead positions before drift, nm; bead k has truth id Labels.Count + k.</summary>
    public IReadOnlyList<SampleLabel> Fiducials => _fiducials;

    /// <summary>
    /// Emitters on during the last frame's exposure and on the sensor, by id: position at the middle of the exposure,
    /// drift included; photons emitted during the exposure at the sample, before QE (the mean the
    /// sensor's shot noise acts on). The same list is refilled by the next call.
    /// </summary>
    public IReadOnlyList<GroundTruthEmitter> LastFrameTruth => _truth;

    /// <summary>405 nm activation power, mW. Settable from any thread; applies from the next frame.</summary>
    public double ActivationPowerMw
    {
        get => Volatile.Read(ref _activationPowerMw);
        set => Volatile.Write(ref _activationPowerMw, CheckPower(value, nameof(ActivationPowerMw)));
    }

    /// <summary>Excitation power, mW; the emission rate scales linearly with it. Settable from any thread.</summary>
    public double ExcitationPowerMw
    {
        get => Volatile.Read(ref _excitationPowerMw);
        set => Volatile.Write(ref _excitationPowerMw, CheckPower(value, nameof(ExcitationPowerMw)));
    }

    /// <summary>
    /// Stage drift applied to frame <paramref name="frame"/>, nm: the drift model at the middle of the
    /// frame's exposure, exactly the offset added to every emitter position in that frame.
    /// </summary>
    public (double XNm, double YNm, double ZNm) DriftAt(long frame) =>
        _drift.OffsetAt((frame / _camera.FrameRateHz) + (_camera.ExposureMs / 1000 / 2));

    /// <summary>True for a truth id that belongs to a fiducial bead.</summary>
    public bool IsFiducial(long id) => id >= _labels.Count;

    public bool TryReadNext(Frame destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Width != Width || destination.Height != Height)
        {
            throw new ArgumentException(
                $"Destination frame is {destination.Width}×{destination.Height}; the simulated camera makes {Width}×{Height}.",
                nameof(destination));
        }

        if (_nextIndex >= _frameLimit)
        {
            return false;
        }

        long index = _nextIndex++;
        double startS = index / _camera.FrameRateHz;
        double exposureS = _camera.ExposureMs / 1000;
        _ensemble.AdvanceFrame(startS, _camera.FramePeriodS, exposureS, ActivationPowerMw, _onTimes);
        RenderExpected(index);

        _noise.Apply(_expected, _adu, index);
        _adu.AsSpan(0, destination.PixelCount).CopyTo(destination.Span);
        destination.Index = index;
        destination.TimestampSeconds = startS;
        return true;
    }

    public void Dispose() => _disposed = true;

    private void RenderExpected(long index)
    {
        _background.CopyTo(_expected, 0);
        _truth.Clear();
        (double dx, double dy, double dz) = DriftAt(index);
        double emissionPerS = _photophysics.EmissionRatePerS(ExcitationPowerMw);
        foreach (EmitterOnTime on in _onTimes)
        {
            Draw(index, on.Id, _labels[on.Id], emissionPerS * on.OnTimeS, dx, dy, dz);
        }

        for (int k = 0; k < _fiducials.Count; k++)
        {
            Draw(index, _labels.Count + k, _fiducials[k], _fiducialPhotonsPerFrame, dx, dy, dz);
        }
    }

    private void Draw(long index, long id, SampleLabel label, double photons, double dx, double dy, double dz)
    {
        double x = label.XNm + dx;
        double y = label.YNm + dy;
        double z = label.ZNm + dz;
        double pixelNm = _camera.Model.PixelSizeNm;

        // A dye drifted off the sensor is not part of this frame's truth (its light that still
        // reaches the edge pixels is drawn all the same).
        bool onSensor = x >= 0 && y >= 0 && x < Width * pixelNm && y < Height * pixelNm;
        GaussianPsf.AddExpectedPhotons(
            _expected, Width, Height, pixelNm, x, y, _optics.SigmaXNm(z), _optics.SigmaYNm(z), photons);
        if (onSensor)
        {
            _truth.Add(new GroundTruthEmitter(id, index, x, y, z, photons));
        }
    }

    private static double CheckPower(double value, string name) =>
        double.IsFinite(value) && value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite power ≥ 0 mW.");
}
