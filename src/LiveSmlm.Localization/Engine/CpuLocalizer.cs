using System.Collections.Concurrent;
using LiveSmlm.Core;

namespace LiveSmlm.Localization;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The CPU backend of the localization engine: background → wavelet detection → Poisson MLE per ROI
/// (→ multi-emitter search when one fits poorly), Parallel over the frames of a batch, pooled scratch.
/// </summary>
public sealed class CpuLocalizer : ILocalizer, IRoiBatchFitter
{
    /// <summary>The CPU engine's registry entry: always available, auto's last resort.</summary>
    public static EngineDescriptor Descriptor { get; } = new(
        "cpu", "plain C# on every core (Span, SIMD, Parallel)", () => EngineAvailability.Yes, settings => new CpuLocalizer(settings), AutoPriority: 0);

    // Fits per Parallel work item in FitBatch: large enough to amortise scheduling, small enough to balance.
    private const int FitsPerChunk = 256;

    // Floor of the background variance (photoelectrons²) when normalising the temporal residual, so a
    // dark pixel (B ≈ 0) does not turn one stray photoelectron into a huge z-score.
    private const float MinBackgroundVariance = 1f;

    // A frame's fits are spread over cores only in shares of at least this many candidates (~0.2 ms of
    // work), below which scheduling costs more than it saves.
    private const int MinCandidatesPerShare = 48;

    private readonly LocalizerSettings _settings;
    private readonly ConcurrentBag<FrameWorkspace> _workspaces = [];
    private readonly RejectionCounts _rejections = new();
    private readonly StageClock _clock = new(LocalizerStages.Names);
    private readonly List<List<Localization>> _perFrame = [];
    private readonly List<List<Localization>> _shareOutputs = [];
    private readonly List<List<FitResult>> _shareSingles = [];
    private readonly List<List<RoiFitter.RoiPlace>> _sharePlaces = [];
    private readonly List<FitResult> _frameSingles = [];
    private readonly List<RoiFitter.RoiPlace> _framePlaces = [];
    private readonly List<float[]> _slotElectrons = [];
    private readonly List<float[]> _slotResidual = [];
    private readonly List<float[]> _slotBackground = [];
    private TemporalMedianBackground? _temporal;
    private PhotoelectronConverter? _converter;
    private float[]? _varianceMap;
    private float _uniformVariance;
    private DetectionNoise _noise;
    private int _width;
    private int _height;
    private long _detections;
    private long _fits;
    private long _pairFits;
    private long _pairsAccepted;
    private long _fromResidual;
    private readonly long[] _groups = new long[MultiGaussianModel.MaxEmitters + 1];

    /// <summary>Validates <paramref name="settings"/> (ArgumentException naming the field).</summary>
    public CpuLocalizer(LocalizerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
        var capabilities = EngineCapabilities.HasTemporalBackground | EngineCapabilities.FitsRoiBatches
            | (settings.MultiEmitter ? EngineCapabilities.MultiEmitter : EngineCapabilities.None)
            | (settings.RunsResidualDetection ? EngineCapabilities.ResidualDetection : EngineCapabilities.None);
        Info = new EngineInfo("cpu", $"CPU: {Environment.ProcessorCount} cores", capabilities);
    }

    /// <inheritdoc />
    public EngineInfo Info { get; }

    public LocalizerSettings Settings => _settings;

    public RejectionCounts Rejections => _rejections;

    public long Detections => Interlocked.Read(ref _detections);

    public long FitsAttempted => Interlocked.Read(ref _fits);

    /// <summary>Joint fits of two or more emitters run (single fit poor), and ROIs where a group won the likelihood-ratio test.</summary>
    public long MultiEmitterFitsAttempted => Interlocked.Read(ref _pairFits);

    public long MultiEmitterFitsAccepted => Interlocked.Read(ref _pairsAccepted);

    private long[] GroupCounts()
    {
        var counts = new long[_groups.Length];
        for (int n = 0; n < counts.Length; n++)
        {
            counts[n] = Interlocked.Read(ref _groups[n]);
        }

        return counts;
    }

    /// <inheritdoc />
    public LocalizerStatistics GetStatistics() => new()
    {
        Detections = Detections,
        FitsAttempted = FitsAttempted,
        MultiEmitterFitsAttempted = MultiEmitterFitsAttempted,
        MultiEmitterFitsAccepted = MultiEmitterFitsAccepted,
        GroupsByEmitters = LocalizerStatistics.GroupsDictionary(GroupCounts()),
        EmittersFromResidual = Interlocked.Read(ref _fromResidual),
        Rejections = _rejections.ToDictionary(),
        StageSeconds = _clock.Seconds(),
    };

    /// <summary>Nothing to release: the CPU engine holds only managed buffers.</summary>
    public void Dispose()
    {
    }

    int IRoiBatchFitter.FitBatch(float[] rois, int roiSize, int count, FitOptions options, Span<FitResult> results) =>
        FitBatch(rois, roiSize, count, options, results);

    /// <inheritdoc />
    public void Localize(IReadOnlyList<Frame> frames, List<Localization> output)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(output);
        if (frames.Count == 0)
        {
            return;
        }

        PrepareFor(frames);
        bool temporal = _settings.Background == BackgroundMode.TemporalMedian;
        if (temporal)
        {
            TemporalStage(frames);
        }

        if (frames.Count >= Environment.ProcessorCount)
        {
            // Enough frames to keep every core busy: one frame per worker, no coordination inside.
            Parallel.For(0, frames.Count, RentWorkspace, (k, _, ws) =>
            {
                DetectAndFit(frames, k, temporal, ws, spreadFits: false);
                return ws;
            }, ReturnWorkspace);
        }
        else
        {
            // Fewer frames than cores (live mode, batch of one): spread each frame's fits instead.
            for (int k = 0; k < frames.Count; k++)
            {
                FrameWorkspace ws = RentWorkspace();
                DetectAndFit(frames, k, temporal, ws, spreadFits: true);
                ReturnWorkspace(ws);
            }
        }

        for (int k = 0; k < frames.Count; k++)
        {
            output.AddRange(_perFrame[k]);
        }
    }

    private void DetectAndFit(IReadOnlyList<Frame> frames, int k, bool temporal, FrameWorkspace ws, bool spreadFits)
    {
        Frame frame = frames[k];
        List<Localization> local = _perFrame[k];
        local.Clear();
        float[] detectOn;
        if (temporal)
        {
            _slotElectrons[k].CopyTo(ws.Electrons, 0);
            detectOn = _slotResidual[k];
        }
        else
        {
            ws.Convert(frame, _converter!);
            detectOn = ws.Electrons;
        }

        ws.Detect(detectOn, temporal, _noise, _varianceMap);
        int candidates = ws.Candidates.Count;
        Interlocked.Add(ref _detections, candidates);
        float[]? background = temporal ? _slotBackground[k] : null;
        int index = checked((int)frame.Index);
        int shares = Math.Min(Environment.ProcessorCount, candidates / MinCandidatesPerShare);
        // 3D fits are not spread (their fitter takes a frame's share in one pass; see RoiFitter).
        if (!spreadFits || shares < 2 || _settings.Calibration3D is not null)
        {
            ws.Fit(_varianceMap, _uniformVariance, background, index, local);
            ResidualPass(ws, temporal, index, local);
            return;
        }

        while (_shareOutputs.Count < shares)
        {
            _shareOutputs.Add(new List<Localization>(256));
            _shareSingles.Add(new List<FitResult>(256));
            _sharePlaces.Add(new List<RoiFitter.RoiPlace>(256));
        }

        // Pass 1, the single fits, in shares; pass 2 in shares again, each seeing the whole frame's
        // fits as neighbours, so the result is the one frame-per-worker mode gives.
        Parallel.For(0, shares, RentWorkspace, (share, _, helper) =>
        {
            _shareSingles[share].Clear();
            _sharePlaces[share].Clear();
            int from = share * candidates / shares, to = (share + 1) * candidates / shares;
            helper.Fitter.FitSingles(ws.Electrons, _varianceMap, _uniformVariance, background, _width, _height, ws.Candidates, from, to, index, _shareSingles[share], _sharePlaces[share]);
            return helper;
        }, ReturnWorkspace);

        _frameSingles.Clear();
        _framePlaces.Clear();
        for (int share = 0; share < shares; share++)
        {
            _frameSingles.AddRange(_shareSingles[share]);
            _framePlaces.AddRange(_sharePlaces[share]);
        }

        Parallel.For(0, shares, RentWorkspace, (share, _, helper) =>
        {
            List<Localization> part = _shareOutputs[share];
            part.Clear();
            int from = share * candidates / shares, to = (share + 1) * candidates / shares;
            helper.Fitter.AcceptRange(ws.Electrons, _varianceMap, _uniformVariance, background, _width, _frameSingles, _framePlaces, from, to, part);
            return helper;
        }, ReturnWorkspace);

        for (int share = 0; share < shares; share++)
        {
            local.AddRange(_shareOutputs[share]);
        }

        ws.Fitter.RemoveDuplicates(local, 0);
        ResidualPass(ws, temporal, index, local);
    }

    // The second detection pass on data − model of the accepted fits (2D, wavelet background, multi-emitter on).
    private void ResidualPass(FrameWorkspace ws, bool temporal, int index, List<Localization> local)
    {
        if (_settings.RunsResidualDetection && !temporal && local.Count > 0)
        {
            ws.ResidualPass(_varianceMap, _uniformVariance, index, local);
        }
    }

    /// <summary>
    /// Fits <paramref name="count"/> pre-cut square ROIs (photoelectrons, roiSize² each, back to back)
    /// in parallel, no read noise; returns how many were accepted. The raw path for benchmarks.
    /// </summary>
    public static unsafe int FitBatch(float[] rois, int roiSize, int count, FitOptions options, Span<FitResult> results)
    {
        ArgumentNullException.ThrowIfNull(rois);
        if (roiSize < GaussianMle.MinRoiSize || roiSize > GaussianMle.MaxRoiSize)
        {
            throw new ArgumentException($"roiSize = {roiSize} is out of range; allowed [{GaussianMle.MinRoiSize}, {GaussianMle.MaxRoiSize}] px.", nameof(roiSize));
        }

        if (count < 0 || (long)count * roiSize * roiSize > rois.Length || results.Length < count)
        {
            throw new ArgumentException($"count = {count} ROIs of {roiSize}² px need {(long)count * roiSize * roiSize} values and {count} results; got {rois.Length} values and {results.Length} results.", nameof(count));
        }

        int accepted = 0;
        fixed (FitResult* start = results)
        {
            // The span is pinned for the whole (synchronous) Parallel.For; the lambda sees its address.
            nint address = (nint)start;
            int chunks = (count + FitsPerChunk - 1) / FitsPerChunk;
            Parallel.For(0, chunks, chunk =>
            {
                var output = (FitResult*)address;
                int end = Math.Min(count, (chunk + 1) * FitsPerChunk), ok = 0;
                for (int r = chunk * FitsPerChunk; r < end; r++)
                {
                    output[r] = GaussianMle.Fit(new ArrayPixels(rois, r * roiSize * roiSize), default(ZeroPixels), roiSize, options);
                    ok += output[r].Status == FitStatus.Ok ? 1 : 0;
                }

                Interlocked.Add(ref accepted, ok);
            });
        }

        return accepted;
    }

    private void PrepareFor(IReadOnlyList<Frame> frames)
    {
        int width = frames[0].Width, height = frames[0].Height, roi = _settings.EffectiveRoiSizePx;
        foreach (Frame f in frames)
        {
            if (f.Width != width || f.Height != height)
            {
                throw new ArgumentException($"All frames of a batch must have one size; frame {f.Index} is {f.Width}×{f.Height}, the first is {width}×{height}.", nameof(frames));
            }
        }

        if (width < Math.Max(roi, 9) || height < Math.Max(roi, 9))
        {
            throw new ArgumentException($"Frames of {width}×{height} px are smaller than the fitting ROI ({roi} px) or the detection filter (9 px).", nameof(frames));
        }

        if (width != _width || height != _height)
        {
            _workspaces.Clear();
            _width = width;
            _height = height;
            _temporal = null;
            _slotElectrons.Clear();
            _slotResidual.Clear();
            _slotBackground.Clear();
            PrepareVariance(width * height);
            _converter = new PhotoelectronConverter(_settings.Camera, width * height);
        }

        while (_perFrame.Count < frames.Count)
        {
            _perFrame.Add(new List<Localization>(64));
        }
    }

    private void PrepareVariance(int pixels)
    {
        CameraModel camera = _settings.Camera;
        if (camera.PixelMaps is { } maps)
        {
            maps.Validate(pixels);
            _varianceMap = new float[pixels];
            for (int i = 0; i < pixels; i++)
            {
                _varianceMap[i] = (float)camera.ReadVariancePhotoelectronsAt(i);
            }
        }
        else
        {
            _varianceMap = null;
            _uniformVariance = (float)camera.ReadVariancePhotoelectronsAt(0);
        }

        _noise = DetectionNoise.For(_settings, _uniformVariance);
    }

    // Temporal background needs the frames in order: convert, push, median (parallel inside). Detection
    // then runs on the noise-normalised residual (f − B)/√(B + read variance): static structure leaves
    // no residual, and its larger shot noise does not pass for emitters.
    private void TemporalStage(IReadOnlyList<Frame> frames)
    {
        int pixels = _width * _height;
        _temporal ??= new TemporalMedianBackground(pixels, _settings.TemporalWindowFrames);
        while (_slotElectrons.Count < frames.Count)
        {
            _slotElectrons.Add(new float[pixels]);
            _slotResidual.Add(new float[pixels]);
            _slotBackground.Add(new float[pixels]);
        }

        for (int k = 0; k < frames.Count; k++)
        {
            float[] electrons = _slotElectrons[k], residual = _slotResidual[k], background = _slotBackground[k];
            long started = StageClock.Start();
            _converter!.Convert(frames[k], electrons);
            started = _clock.Stop(LocalizerStages.PhotonConversion, started);
            _temporal.Push(electrons);
            _temporal.Median(background);
            for (int i = 0; i < pixels; i++)
            {
                float variance = MathF.Max(background[i], MinBackgroundVariance) + (_varianceMap?[i] ?? _uniformVariance);
                residual[i] = (electrons[i] - background[i]) / MathF.Sqrt(variance);
            }

            _clock.Stop(LocalizerStages.Background, started);
        }
    }

    private FrameWorkspace RentWorkspace()
    {
        if (_workspaces.TryTake(out FrameWorkspace? ws) && ws.Width == _width && ws.Height == _height)
        {
            return ws;
        }

        return new FrameWorkspace(_settings, _width, _height);
    }

    private void ReturnWorkspace(FrameWorkspace ws)
    {
        RoiFitter fitter = ws.Fitter;
        Interlocked.Add(ref _fits, fitter.Fits);
        Interlocked.Add(ref _pairFits, fitter.PairFits);
        Interlocked.Add(ref _pairsAccepted, fitter.PairsAccepted);
        Interlocked.Add(ref _fromResidual, fitter.EmittersFromResidual);
        for (int n = 1; n < _groups.Length; n++)
        {
            Interlocked.Add(ref _groups[n], fitter.GroupsByEmitters[n]);
        }
        _rejections.Add(fitter.Rejections);
        fitter.ClearCounts();
        _clock.Drain(ws.Clock);
        _workspaces.Add(ws);
    }
}
