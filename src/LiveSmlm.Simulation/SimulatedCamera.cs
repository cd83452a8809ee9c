using LiveSmlm.Core;
using LiveSmlm.Simulation.Optics;

namespace LiveSmlm.Simulation;

/// <summary>
/// The simulated rig's camera: a sample of blinking dyes, drifting, imaged through a Gaussian PSF onto a
/// noisy sensor, frame by frame, with the ground truth of every frame alongside. Seeded and deterministic.
/// With a phase pattern in the pupil (<see cref="PupilPhase"/>, an SLM's) the PSF is the pupil function's instead
/// (<see cref="PupilPsfModel"/>: scalar Fourier optics, defocus with each emitter's z).
/// </summary>
/// <remarks>
/// Called from one thread (IFrameSource). <see cref="ActivationPowerMw"/> and <see cref="ExcitationPowerMw"/>
/// and <see cref="PupilPhase"/> may be set from any thread; a frame reads each once at its start, so a change
/// applies from the next frame.
/// Dye ids are 0 … Labels.Count − 1; fiducial beads follow them.
/// Each frame is made on up to <see cref="MaxDegreeOfParallelism"/> cores: the photophysics and the list
/// of emitters run on the calling thread, then each block of <see cref="CameraNoise.RowsPerBlock"/> rows
/// (background, every emitter's PSF in id order, sensor noise from the block's own seeded stream) is one
/// parallel work item. A pixel's value depends only on the seed and the frame, never on the thread count.
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
    private readonly List<PsfDraw> _draws = [];
    private readonly ParallelOptions _parallel;
    private readonly Action<int> _renderBlock;
    private readonly int _blockCount;
    private long _renderIndex;
    private double _activationPowerMw;
    private double _excitationPowerMw;
    private PupilPhaseMap? _pupilPhase;     // any thread writes; the camera thread reads it once per frame
    private PupilPsfModel? _pupilModel;     // camera thread only: the model of the last non-flat pattern seen
    private PupilPsfModel? _framePupil;     // camera thread only: this frame's model, null for the Gaussian PSF
    private long _nextIndex;
    private bool _disposed;

    public SimulatedCamera(SimulationSettings settings, ulong seed, long? frameLimit = null)
        : this(settings, seed, frameLimit, maxDegreeOfParallelism: -1)
    {
    }

    /// <summary>
    /// A camera that makes each frame on at most <paramref name="maxDegreeOfParallelism"/> threads
    /// (−1: all cores, 1: the calling thread only). The frames and truth are the same for any value.
    /// </summary>
    public SimulatedCamera(SimulationSettings settings, ulong seed, long? frameLimit, int maxDegreeOfParallelism)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (frameLimit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frameLimit), frameLimit, "frameLimit must be ≥ 0, or null for an endless camera.");
        }

        if (maxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "maxDegreeOfParallelism must be ≥ 1, or −1 for all cores.");
        }

        MaxDegreeOfParallelism = maxDegreeOfParallelism;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        _renderBlock = RenderBlock;

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
        _blockCount = _noise.BlockCount;
    }

    /// <summary>Most threads one frame is made on; −1 for all cores. Does not change the output.</summary>
    public int MaxDegreeOfParallelism { get; }

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
    /// The phase pattern in the objective's pupil (an SLM's, mapped to radians), or null. Null or flat: the
    /// Gaussian PSF of <see cref="Settings"/>' optics; otherwise the pupil-function PSF of the optics'
    /// wavelength and NA, which replaces the Gaussian (and its astigmatic curves) until the pattern is flat again.
    /// Settable from any thread; applies from the next frame. The PSF is recomputed only when the pattern's phases change.
    /// </summary>
    public PupilPhaseMap? PupilPhase
    {
        get => Volatile.Read(ref _pupilPhase);
        set => Volatile.Write(ref _pupilPhase, value);
    }

    /// <summary>The pupil-function PSF the last frame was made with (null: the Gaussian), for tests and diagnostics; read on the camera's thread.</summary>
    public PupilPsfModel? LastPupilPsf => _framePupil;

    /// <summary>
    /// Stage drift applied to frame <paramref name="frame"/>, nm: the drift model at the middle of the
    /// frame's exposure, exactly the offset added to every emitter position in that frame.
    /// </summary>
    public (double XNm, double YNm, double ZNm) DriftAt(long frame) =>
        _drift.OffsetAt((frame / _camera.FrameRateHz) + (_camera.ExposureMs / 1000 / 2));

    /// <summary>The expected background per pixel per frame, photons at the sample before QE (row-major, constant over time).</summary>
    public ReadOnlySpan<float> BackgroundPhotons => _background;

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
        _framePupil = PupilModelFor(PupilPhase);
        ListEmitters(index, startS + (exposureS / 2));

        _renderIndex = index;
        if (MaxDegreeOfParallelism == 1 || _blockCount == 1)
        {
            for (int b = 0; b < _blockCount; b++)
            {
                RenderBlock(b);
            }
        }
        else
        {
            Parallel.For(0, _blockCount, _parallel, _renderBlock);
        }

        _adu.AsSpan(0, destination.PixelCount).CopyTo(destination.Span);
        destination.Index = index;
        destination.TimestampSeconds = startS;
        return true;
    }

    public void Dispose() => _disposed = true;

    // The calling thread: the pupil PSF for this frame's pattern, kept while the pattern's phases stay the same.
    private PupilPsfModel? PupilModelFor(PupilPhaseMap? phase)
    {
        if (phase is null || phase.IsFlat)
        {
            return null;
        }

        if (_pupilModel is null || !_pupilModel.Phase.SameAs(phase))
        {
            _pupilModel = new PupilPsfModel(_optics.WavelengthNm, _optics.NumericalAperture, _camera.Model.PixelSizeNm, phase);
        }

        return _pupilModel;
    }

    // The calling thread: this frame's truth and what to draw, in a fixed order (dyes by id, then beads).
    private void ListEmitters(long index, double midExposureS)
    {
        _truth.Clear();
        _draws.Clear();
        (double dx, double dy, double dz) = _drift.OffsetAt(midExposureS);
        double emissionPerS = _photophysics.EmissionRatePerS(ExcitationPowerMw);
        foreach (EmitterOnTime on in _onTimes)
        {
            List(index, on.Id, _labels[on.Id], emissionPerS * on.OnTimeS, dx, dy, dz);
        }

        for (int k = 0; k < _fiducials.Count; k++)
        {
            List(index, _labels.Count + k, _fiducials[k], _fiducialPhotonsPerFrame, dx, dy, dz);
        }
    }

    private void List(long index, long id, SampleLabel label, double photons, double dx, double dy, double dz)
    {
        double x = label.XNm + dx;
        double y = label.YNm + dy;
        double z = label.ZNm + dz;
        double pixelNm = _camera.Model.PixelSizeNm;
        double sigmaY = _optics.SigmaYNm(z);
        SampledPsf? sampled = _framePupil?.ForDepth(z);

        // Rows the PSF may touch, one spare each side (GaussianPsf and SampledPsf clip exactly); a block skips the rest.
        double reachPx = sampled?.ReachPx ?? (GaussianPsf.SupportSigmas * sigmaY / pixelNm);
        double yPx = y / pixelNm;
        int firstRow = double.IsFinite(yPx) ? (int)Math.Clamp(Math.Floor(yPx - reachPx) - 1, -1, Height) : Height;
        int lastRow = double.IsFinite(yPx) ? (int)Math.Clamp(Math.Floor(yPx + reachPx) + 1, -1, Height) : -1;
        _draws.Add(new PsfDraw(x, y, _optics.SigmaXNm(z), sigmaY, photons, firstRow, lastRow, sampled));

        // A dye drifted off the sensor is not part of this frame's truth (its light that still
        // reaches the edge pixels is drawn all the same).
        bool onSensor = x >= 0 && y >= 0 && x < Width * pixelNm && y < Height * pixelNm;
        if (onSensor)
        {
            _truth.Add(new GroundTruthEmitter(id, index, x, y, z, photons));
        }
    }

    // One parallel work item: rows [block · RowsPerBlock, …) from background to ADU. Each pixel sums the
    // emitters in list order, exactly as a whole-image pass would, and the noise stream is the block's own.
    private void RenderBlock(int block)
    {
        int rowStart = block * CameraNoise.RowsPerBlock;
        int rowEnd = Math.Min(Height, rowStart + CameraNoise.RowsPerBlock);
        int start = rowStart * Width;
        int length = (rowEnd - rowStart) * Width;
        _background.AsSpan(start, length).CopyTo(_expected.AsSpan(start, length));
        double pixelNm = _camera.Model.PixelSizeNm;
        foreach (ref readonly PsfDraw d in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_draws))
        {
            if (d.LastRow < rowStart || d.FirstRow >= rowEnd)
            {
                continue;
            }

            if (d.Sampled is { } sampled)
            {
                sampled.AddExpectedPhotons(_expected, Width, Height, d.XNm / pixelNm, d.YNm / pixelNm, d.Photons, rowStart, rowEnd);
            }
            else
            {
                GaussianPsf.AddExpectedPhotons(_expected, Width, Height, pixelNm, d.XNm, d.YNm, d.SigmaXNm, d.SigmaYNm, d.Photons, rowStart, rowEnd);
            }
        }

        _noise.ApplyBlock(_expected, _adu, _renderIndex, block);
    }

    private static double CheckPower(double value, string name) =>
        double.IsFinite(value) && value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite power ≥ 0 mW.");

    private readonly record struct PsfDraw(double XNm, double YNm, double SigmaXNm, double SigmaYNm, double Photons, int FirstRow, int LastRow, SampledPsf? Sampled);
}
