using LiveSmlm.Core;
using Microsoft.ML.OnnxRuntime;

namespace LiveSmlm.Localization.Network;

// The namespace shares the record's name; the alias keeps signatures readable.
using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The network engine: ADU → photoelectrons through the camera model (the MLE engines' converter), each
/// frame with the frames before it (the model reads t − 2, t − 1, t; the first frames of a stream repeat
/// the earliest one), a batch of frames per ONNX Runtime call, and the output maps decoded into the same
/// <see cref="Localization"/> records as the fitters. History is kept across calls: a frame whose index
/// does not follow the previous one starts the window afresh.
/// </summary>
public sealed class NetworkLocalizer : ILocalizer
{
    /// <summary>Frames per ONNX Runtime call on a GPU (a 256² frame is 0.8 MB of input and 2 MB of maps).</summary>
    public const int MaxFramesPerRun = 16;

    /// <summary>
    /// Frames per call on the CPU: one. The activations of one 256² frame (8 × 256² floats, 2 MB per
    /// layer) stay in the caches; 16 frames (33 MB per layer) do not, and ran about 15 % fewer frames per
    /// CPU-second (`livesmlm bench --engine network`, 2-core EPYC).
    /// </summary>
    public const int CpuFramesPerRun = 1;

    private readonly int _framesPerRun;

    private const int Conversion = LocalizerStages.PhotonConversion;
    private const int Detection = LocalizerStages.Detection;
    private const int Inference = LocalizerStages.Device;

    private readonly LocalizerSettings _settings;
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly StageClock _clock = new(LocalizerStages.Names);
    private readonly DecodeUnits _units;
    private readonly DecodeOptions _options;
    private readonly NetworkCalibration? _calibration;
    private readonly string _outputName;
    private readonly RunOptions _runOptions = new();

    // The window's frames in photoelectrons, oldest first: a ring of Model.Frames buffers, _historyCount filled.
    private float[][] _history = [];
    private int _historyStart;
    private int _historyCount;

    // Input and output tensors over arrays that live as long as the batch shape (count, height, width):
    // ONNX Runtime writes the maps straight into _maps, and nothing is allocated per frame.
    private float[] _input = [];
    private float[] _maps = [];
    private OrtValue? _inputValue;
    private OrtValue? _mapsValue;
    private OrtIoBinding? _binding;
    private (int Count, int Height, int Width) _shape;
    private int _width;
    private int _height;
    private long _lastFrame = long.MinValue;
    private long _detections;
    private long _frames;

    internal NetworkLocalizer(LocalizerSettings settings, NetworkModelInfo model, InferenceSession session, string device, DecodeOptions options, NetworkCalibration? calibration, bool gpu)
    {
        _framesPerRun = gpu ? MaxFramesPerRun : CpuFramesPerRun;
        _calibration = calibration;
        _settings = settings;
        Model = model;
        _session = session;
        _inputName = session.InputMetadata.Keys.First();
        _outputName = session.OutputNames[0];
        _options = options;
        _units = new DecodeUnits(settings.Camera.PixelSizeNm, settings.Camera.QuantumEfficiency, model.PsfSigmaNm);
        Info = new EngineInfo(NetworkEngine.Name, device, EngineCapabilities.NeedsBatches | EngineCapabilities.HasTemporalBackground | EngineCapabilities.MultiEmitter);
    }

    public EngineInfo Info { get; }

    /// <summary>The model this engine runs.</summary>
    public NetworkModelInfo Model { get; }

    public LocalizerStatistics GetStatistics() => new()
    {
        Detections = Interlocked.Read(ref _detections),
        StageSeconds = _clock.Seconds(),
    };

    /// <summary>Frames localized so far.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    public void Localize(IReadOnlyList<Frame> frames, List<Localization> output)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(output);
        for (int start = 0; start < frames.Count; start += _framesPerRun)
        {
            Run(frames, start, Math.Min(_framesPerRun, frames.Count - start), output);
        }
    }

    public void Dispose()
    {
        _binding?.Dispose();
        _inputValue?.Dispose();
        _mapsValue?.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private void Run(IReadOnlyList<Frame> frames, int start, int count, List<Localization> output)
    {
        Frame first = frames[start];
        int window = Model.Frames;
        if (first.Width != _width || first.Height != _height || _history.Length != window)
        {
            _width = first.Width;
            _height = first.Height;
            _history = new float[window][];
            for (int w = 0; w < window; w++)
            {
                _history[w] = new float[_width * _height];
            }

            _historyCount = 0;
            _lastFrame = long.MinValue;
        }

        int m = Model.MultipleOf;
        int pw = (_width + m - 1) / m * m;
        int ph = (_height + m - 1) / m * m;
        int plane = pw * ph;
        int outPlane = NetworkDecoder.Channels * plane;
        Bind(count, ph, pw, window);

        long t = StageClock.Start();
        for (int k = 0; k < count; k++)
        {
            Frame frame = frames[start + k];
            if (frame.Width != _width || frame.Height != _height)
            {
                throw new ArgumentException($"frame {frame.Index} is {frame.Width}×{frame.Height}; the batch began with {_width}×{_height}.", nameof(frames));
            }

            if (frame.Index != _lastFrame + 1)
            {
                // Not the next frame (a stream's first, a gap, or a stream starting over): the frames before
                // it are not its neighbours, so the window starts afresh from this frame.
                _historyCount = 0;
            }

            _lastFrame = frame.Index;
            // The newest frame goes into the slot after the last (overwriting the oldest once the ring is full).
            int slot = (_historyStart + _historyCount) % window;
            if (_historyCount == window)
            {
                _historyStart = (_historyStart + 1) % window;
            }
            else
            {
                _historyCount++;
            }

            Converter(_width * _height).Convert(frame, _history[slot]);

            // Oldest first; a stream's first frames repeat the earliest frame there is.
            for (int w = 0; w < window; w++)
            {
                int age = Math.Max(0, _historyCount - window + w);
                float[] source = _history[(_historyStart + age) % window];
                Pad(source, _input.AsSpan(((k * window) + w) * plane, plane), _width, _height, pw, ph);
            }
        }

        _clock.Stop(Conversion, t);

        t = StageClock.Start();
        try
        {
            _session.RunWithBinding(_runOptions, _binding!);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"model '{Model.Path}' failed on {count} frames of {ph}×{pw} (the engine expects maps of [{count}, {NetworkDecoder.Channels}, {ph}, {pw}]): {e.Message}", e);
        }

        _clock.Stop(Inference, t);

        t = StageClock.Start();
        ReadOnlySpan<float> maps = _maps.AsSpan(0, count * outPlane);
        for (int k = 0; k < count; k++)
        {
            int added = NetworkDecoder.Decode(maps.Slice(k * outPlane, outPlane), _width, _height, pw, ph, frames[start + k].Index > int.MaxValue ? int.MaxValue : (int)frames[start + k].Index, _options, _units, output, _calibration);
            Interlocked.Add(ref _detections, added);
        }

        Interlocked.Add(ref _frames, count);
        _clock.Stop(Detection, t);
    }

    // The input and output tensors for a batch of count frames of ph × pw, made once per shape.
    private void Bind(int count, int ph, int pw, int window)
    {
        if (_shape == (count, ph, pw) && _inputValue is not null)
        {
            return;
        }

        _binding?.Dispose();
        _inputValue?.Dispose();
        _mapsValue?.Dispose();
        _binding = null;
        _inputValue = null;
        _mapsValue = null;
        int inputLength = count * window * ph * pw;
        int mapsLength = count * NetworkDecoder.Channels * ph * pw;
        if (_input.Length < inputLength)
        {
            _input = new float[inputLength];
        }

        if (_maps.Length < mapsLength)
        {
            _maps = new float[mapsLength];
        }

        _inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, inputLength), [count, window, ph, pw]);
        _mapsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _maps.AsMemory(0, mapsLength), [count, NetworkDecoder.Channels, ph, pw]);
        _binding = _session.CreateIoBinding();
        _binding.BindInput(_inputName, _inputValue);
        _binding.BindOutput(_outputName, _mapsValue);
        _shape = (count, ph, pw);
    }

    private PhotoelectronConverter _cachedConverter = null!;
    private int _converterPixels;

    private PhotoelectronConverter Converter(int pixels)
    {
        if (_converterPixels != pixels)
        {
            _cachedConverter = new PhotoelectronConverter(_settings.Camera, pixels);
            _converterPixels = pixels;
        }

        return _cachedConverter;
    }

    // Copies a frame into the top-left of a padded plane; the padding repeats the last row and column.
    private static void Pad(float[] source, Span<float> destination, int width, int height, int pw, int ph)
    {
        for (int y = 0; y < ph; y++)
        {
            ReadOnlySpan<float> row = source.AsSpan(Math.Min(y, height - 1) * width, width);
            Span<float> dst = destination.Slice(y * pw, pw);
            row.CopyTo(dst);
            dst[width..].Fill(row[width - 1]);
        }
    }
}
