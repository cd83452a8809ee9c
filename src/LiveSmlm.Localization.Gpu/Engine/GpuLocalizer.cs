using ILGPU;
using ILGPU.Runtime;
using LiveSmlm.Core;

namespace LiveSmlm.Localization.Gpu;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The ILGPU backend of the localization engine: background, wavelet detection and the per-ROI MLE
/// on any ILGPU accelerator (CUDA on a rig, the CPU accelerator in tests), same contract as CpuLocalizer.
/// </summary>
/// <remarks>
/// A call is cut into launches of <see cref="FramesPerLaunch"/> frames. Launch n + 1 is uploaded
/// (page-locked) and detected on its own stream while launch n is fitted, and its results assembled
/// on the host; design in docs/gpu-engine.md. Localize is called from one thread at a time.
/// </remarks>
public sealed partial class GpuLocalizer : ILocalizer, IRoiBatchFitter
{
    /// <summary>Frames per launch unless told otherwise: enough to fill a GPU with 512² frames, small for latency.</summary>
    public const int DefaultFramesPerLaunch = 8;

    private readonly LocalizerSettings _settings;
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly DeviceAllocator _allocator;
    private readonly KernelSet _kernels;
    private readonly RoiResultAssembler _assembler;
    private readonly FitOptions _options;
    private readonly int _roi;
    private readonly int _suppressionRadius;
    private readonly List<Candidate>[] _frameCandidates;
    private readonly int[] _launchRois = new int[2];
    private bool[] _atBorder = [];
    private readonly DeviceModel3D? _model3D;
    private DeviceFrames? _frames;
    private MemoryBuffer1D<float, Stride1D.Dense>? _benchRois;
    private MemoryBuffer1D<FitResult, Stride1D.Dense>? _benchResults;
    private readonly StageClock _clock = new(LocalizerStages.Names);
    private long _detections;
    private long _fits;
    private bool _disposed;

    /// <summary>
    /// Takes ownership of <paramref name="context"/> and <paramref name="accelerator"/> (disposed with
    /// this localizer, accelerator first) and compiles every kernel once. Validates
    /// <paramref name="settings"/> (ArgumentException naming the field). The residual detection pass
    /// (<see cref="LocalizerSettings.ResidualDetection"/>) is CPU engine only: asked for where it would run, it is
    /// refused with an ArgumentException that says so, rather than silently left out.
    /// </summary>
    public GpuLocalizer(LocalizerSettings settings, Context context, Accelerator accelerator, int framesPerLaunch = DefaultFramesPerLaunch)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(accelerator);
        settings.Validate();
        if (framesPerLaunch is < 1 or > MaxFramesPerLaunch)
        {
            throw new ArgumentException($"framesPerLaunch = {framesPerLaunch} is out of range; allowed [1, {MaxFramesPerLaunch}].", nameof(framesPerLaunch));
        }

        if (settings.RunsResidualDetection)
        {
            throw new ArgumentException(
                "ResidualDetection = true (--residual-detection on, or the profile's analysis.residualDetection): the second detection pass runs on the CPU engine only; use --engine cpu, or turn it off for the GPU engine.",
                nameof(settings));
        }

        _settings = settings;
        _context = context;
        _accelerator = accelerator;
        FramesPerLaunch = framesPerLaunch;
        _allocator = new DeviceAllocator(accelerator);
        _kernels = new KernelSet(accelerator);
        _model3D = settings.Is3D ? new DeviceModel3D(settings, accelerator, _allocator) : null;
        _assembler = new RoiResultAssembler(settings, _clock);
        _options = settings.ToFitOptions();
        _roi = settings.EffectiveRoiSizePx;
        _suppressionRadius = RoiPolicy.SuppressionRadiusPx(settings.PsfSigmaPx);
        _frameCandidates = new List<Candidate>[framesPerLaunch];
        for (int k = 0; k < framesPerLaunch; k++)
        {
            _frameCandidates[k] = new List<Candidate>(256);
        }

        bool cuda = accelerator.AcceleratorType == AcceleratorType.Cuda;
        Info = new EngineInfo(
            cuda ? "gpu" : "ilgpu-cpu",
            cuda ? $"CUDA: {accelerator.Name}" : $"ILGPU CPU accelerator: {accelerator.Name}",
            EngineCapabilities.NeedsBatches | EngineCapabilities.HasTemporalBackground | EngineCapabilities.FitsRoiBatches
                | EngineCapabilities.RunsOnAccelerator | (settings.MultiEmitter ? EngineCapabilities.MultiEmitter : EngineCapabilities.None));
    }

    /// <inheritdoc />
    public EngineInfo Info { get; }

    /// <summary>Largest launch: 256 frames of 512² already hold a gigabyte of device buffers.</summary>
    public const int MaxFramesPerLaunch = 256;

    public LocalizerSettings Settings => _settings;

    /// <summary>The accelerator's own name (e.g. "NVIDIA GeForce RTX 4090", "CPUAccelerator").</summary>
    public string DeviceName => _accelerator.Name;

    /// <summary>Cuda, CPU or OpenCL.</summary>
    public AcceleratorType AcceleratorType => _accelerator.AcceleratorType;

    public int FramesPerLaunch { get; }

    public RejectionCounts Rejections => _assembler.Rejections;

    public long Detections => Interlocked.Read(ref _detections);

    public long FitsAttempted => Interlocked.Read(ref _fits);

    /// <summary>Two-emitter fits attempted (on the host, for poor single fits) and accepted.</summary>
    public long MultiEmitterFitsAttempted => _assembler.PairFits;

    public long MultiEmitterFitsAccepted => _assembler.PairsAccepted;

    /// <summary>
    /// Device buffers and page-locked host arrays allocated so far: flat after the first batch of a
    /// frame size (ROI buffers grow only when a batch holds more candidates than any before).
    /// </summary>
    public long DeviceAllocations => _allocator.Allocations;

    /// <inheritdoc />
    public LocalizerStatistics GetStatistics()
    {
        return new LocalizerStatistics
        {
            Detections = Detections,
            FitsAttempted = FitsAttempted,
            MultiEmitterFitsAttempted = MultiEmitterFitsAttempted,
            MultiEmitterFitsAccepted = MultiEmitterFitsAccepted,
            GroupsByEmitters = LocalizerStatistics.GroupsDictionary(_assembler.GroupsByEmitters),
            EmittersFromResidual = _assembler.EmittersFromResidual,
            Rejections = Rejections.ToDictionary(),
            StageSeconds = _clock.Seconds(),
        };
    }

    /// <inheritdoc />
    public void Localize(IReadOnlyList<Frame> frames, List<Localization> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(output);
        if (frames.Count == 0)
        {
            return;
        }

        // The host cannot split the device's work into stages: all of a call except the host-side
        // pair fits and duplicate merge (charged by the assembler's fitter) counts as "device".
        long started = StageClock.Start();
        long hostBefore = HostTicks();
        LocalizeLaunches(frames, output);
        long total = System.Diagnostics.Stopwatch.GetTimestamp() - started;
        _clock.Add(LocalizerStages.Device, Math.Max(0, total - (HostTicks() - hostBefore)));
    }

    private long HostTicks() => _clock.Ticks(LocalizerStages.MultiEmitterFits) + _clock.Ticks(LocalizerStages.DuplicateMerge);

    private void LocalizeLaunches(IReadOnlyList<Frame> frames, List<Localization> output)
    {
        DeviceFrames device = PrepareFor(frames);
        int launches = (frames.Count + FramesPerLaunch - 1) / FramesPerLaunch;
        Detect(device, frames, 0);
        for (int launch = 0; launch < launches; launch++)
        {
            BatchSlot slot = device.Slots[launch % 2];
            int first = launch * FramesPerLaunch;
            int count = Math.Min(FramesPerLaunch, frames.Count - first);
            CollectCandidates(device, slot, launch % 2, count);

            // The next launch's upload and detection run on the other stream while this one fits.
            if (launch + 1 < launches)
            {
                Detect(device, frames, launch + 1);
            }

            FitAndAssemble(device, slot, launch % 2, frames, first, count, output);
        }
    }

    /// <summary>
    /// Fits <paramref name="count"/> pre-cut square ROIs (photoelectrons, roiSize² each, back to back)
    /// on the device, no read noise; returns how many were accepted. CpuLocalizer.FitBatch's contract,
    /// on this localizer's accelerator (kernel and buffers reused across calls). The raw path for benchmarks.
    /// </summary>
    public int FitBatch(float[] rois, int roiSize, int count, FitOptions options, Span<FitResult> results)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(rois);
        if (roiSize < GaussianMle.MinRoiSize || roiSize > GaussianMle.MaxRoiSize)
        {
            throw new ArgumentException($"roiSize = {roiSize} is out of range; allowed [{GaussianMle.MinRoiSize}, {GaussianMle.MaxRoiSize}] px.", nameof(roiSize));
        }

        long values = (long)count * roiSize * roiSize;
        if (count < 0 || values > rois.Length || results.Length < count)
        {
            throw new ArgumentException($"count = {count} ROIs of {roiSize}² px need {values} values and {count} results; got {rois.Length} values and {results.Length} results.", nameof(count));
        }

        if (count == 0)
        {
            return 0;
        }

        if (_benchRois is null || _benchRois.Length < values)
        {
            _benchRois?.Dispose();
            _benchRois = _allocator.Device<float>(values);
        }

        if (_benchResults is null || _benchResults.Length < count)
        {
            _benchResults?.Dispose();
            _benchResults = _allocator.Device<FitResult>(count);
        }

        AcceleratorStream stream = _accelerator.DefaultStream;
        _benchRois.View.SubView(0, values).CopyFromCPU(stream, new ReadOnlySpan<float>(rois, 0, (int)values));
        _kernels.FitNoReadNoise(stream, count, _benchRois.View, _benchResults.View, roiSize, options);
        _benchResults.View.SubView(0, count).CopyToCPU(stream, results[..count]);
        stream.Synchronize();
        int accepted = 0;
        foreach (FitResult r in results[..count])
        {
            accepted += r.Status == FitStatus.Ok ? 1 : 0;
        }

        return accepted;
    }

    /// <summary>
    /// Runs the multi-emitter search on the device for <paramref name="singles"/>.Length pre-cut ROIs
    /// (<paramref name="rois"/>, per-pixel extra variance <paramref name="variance"/>, roiSize² each)
    /// whose single fits are <paramref name="singles"/>. The same code as the CPU's
    /// <see cref="MultiEmitterSearch.Search{TPixels, TVariance}"/>; for checks and benchmarks.
    /// </summary>
    public void SearchBatch(float[] rois, float[] variance, int roiSize, ReadOnlySpan<FitResult> singles, FitOptions options, MultiEmitterOptions search, Span<MultiEmitterResult> results)
    {
        ArgumentNullException.ThrowIfNull(rois);
        ArgumentNullException.ThrowIfNull(variance);
        int count = singles.Length;
        long values = (long)count * roiSize * roiSize;
        if (roiSize < GaussianMle.MinRoiSize || roiSize > GaussianMle.MaxRoiSize || values > rois.Length || values > variance.Length || results.Length < count)
        {
            throw new ArgumentException($"{count} ROIs of {roiSize}² px (side in [{GaussianMle.MinRoiSize}, {GaussianMle.MaxRoiSize}]) need {values} pixels and variances and {count} results; got {rois.Length}, {variance.Length} and {results.Length}.", nameof(roiSize));
        }

        if (count == 0)
        {
            return;
        }

        using MemoryBuffer1D<float, Stride1D.Dense> pixels = _allocator.Device<float>(values);
        using MemoryBuffer1D<float, Stride1D.Dense> extra = _allocator.Device<float>(values);
        using MemoryBuffer1D<FitResult, Stride1D.Dense> single = _allocator.Device<FitResult>(count);
        using MemoryBuffer1D<MultiEmitterResult, Stride1D.Dense> output = _allocator.Device<MultiEmitterResult>(count);
        AcceleratorStream stream = _accelerator.DefaultStream;
        pixels.View.CopyFromCPU(stream, new ReadOnlySpan<float>(rois, 0, (int)values));
        extra.View.CopyFromCPU(stream, new ReadOnlySpan<float>(variance, 0, (int)values));
        single.View.CopyFromCPU(stream, singles);
        _kernels.SearchMultiEmitter(stream, count, pixels.View, extra.View, single.View, output.View, roiSize, options, search);
        output.View.CopyToCPU(stream, results[..count]);
        stream.Synchronize();
    }

    /// <summary>Releases the device buffers, then the accelerator, then the context. May be called twice.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _frames?.Dispose();
        _benchRois?.Dispose();
        _benchResults?.Dispose();
        _model3D?.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }

    /// <summary>
    /// Detection only (device maxima, host suppression) for up to <see cref="FramesPerLaunch"/> frames:
    /// the candidate list of each frame, strongest first. For tests that compare it with PeakFinder.
    /// </summary>
    internal List<Candidate>[] DetectCandidates(IReadOnlyList<Frame> frames)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (frames.Count > FramesPerLaunch)
        {
            throw new ArgumentException($"At most {FramesPerLaunch} frames (one launch); got {frames.Count}.", nameof(frames));
        }

        DeviceFrames device = PrepareFor(frames);
        Detect(device, frames, 0);
        CollectCandidates(device, device.Slots[0], 0, frames.Count);
        return [.. _frameCandidates.Take(frames.Count).Select(list => new List<Candidate>(list))];
    }

    /// <summary>The buffers of the current frame size (tests check they are the same objects batch after batch).</summary>
    internal DeviceFrames? Frames => _frames;

    private DeviceFrames PrepareFor(IReadOnlyList<Frame> frames)
    {
        int width = frames[0].Width, height = frames[0].Height;
        foreach (Frame f in frames)
        {
            if (f.Width != width || f.Height != height)
            {
                throw new ArgumentException($"All frames of a batch must have one size; frame {f.Index} is {f.Width}×{f.Height}, the first is {width}×{height}.", nameof(frames));
            }
        }

        if (width < Math.Max(_roi, 9) || height < Math.Max(_roi, 9))
        {
            throw new ArgumentException($"Frames of {width}×{height} px are smaller than the fitting ROI ({_roi} px) or the detection filter (9 px).", nameof(frames));
        }

        // Kernels index a launch's pixels with 32-bit ints (ILGPU's Index1D).
        if ((long)FramesPerLaunch * width * height > int.MaxValue)
        {
            throw new ArgumentException(
                $"framesPerLaunch = {FramesPerLaunch} frames of {width}×{height} px exceed 2³¹ pixels per launch; use at most {int.MaxValue / ((long)width * height)}.",
                nameof(frames));
        }

        if (_frames is null || _frames.Width != width || _frames.Height != height)
        {
            _frames?.Dispose();
            _frames = new DeviceFrames(_accelerator, _allocator, _settings, width, height, FramesPerLaunch);
        }

        return _frames;
    }
}
