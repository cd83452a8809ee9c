using LiveSmlm.Core;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

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
    /// <summary>Frames per ONNX Runtime call at most (a 256² frame is 0.8 MB of input and 2 MB of maps).</summary>
    public const int MaxFramesPerRun = 16;

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
    private readonly Queue<float[]> _history = new();
    private readonly Stack<float[]> _spare = new();
    private float[] _input = [];
    private int _width;
    private int _height;
    private long _lastFrame = long.MinValue;
    private long _detections;
    private long _frames;

    internal NetworkLocalizer(LocalizerSettings settings, NetworkModelInfo model, InferenceSession session, string device, DecodeOptions options, NetworkCalibration? calibration)
    {
        _calibration = calibration;
        _settings = settings;
        Model = model;
        _session = session;
        _inputName = session.InputMetadata.Keys.First();
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
        for (int start = 0; start < frames.Count; start += MaxFramesPerRun)
        {
            Run(frames, start, Math.Min(MaxFramesPerRun, frames.Count - start), output);
        }
    }

    public void Dispose() => _session.Dispose();

    private void Run(IReadOnlyList<Frame> frames, int start, int count, List<Localization> output)
    {
        Frame first = frames[start];
        if (first.Width != _width || first.Height != _height)
        {
            _width = first.Width;
            _height = first.Height;
            _history.Clear();
            _spare.Clear();
            _lastFrame = long.MinValue;
        }

        int m = Model.MultipleOf;
        int pw = (_width + m - 1) / m * m;
        int ph = (_height + m - 1) / m * m;
        int window = Model.Frames;
        int plane = pw * ph;
        int length = count * window * plane;
        if (_input.Length < length)
        {
            _input = new float[length];
        }

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
                while (_history.Count > 0)
                {
                    _spare.Push(_history.Dequeue());
                }
            }

            _lastFrame = frame.Index;
            float[] current = _spare.Count > 0 ? _spare.Pop() : new float[_width * _height];
            Converter(_width * _height).Convert(frame, current);
            _history.Enqueue(current);
            while (_history.Count > window)
            {
                _spare.Push(_history.Dequeue());
            }

            // Oldest first; a stream's first frames repeat the earliest frame there is.
            float[][] have = [.. _history];
            for (int w = 0; w < window; w++)
            {
                float[] source = have[Math.Max(0, have.Length - window + w)];
                Pad(source, _input.AsSpan(((k * window) + w) * plane, plane), _width, _height, pw, ph);
            }
        }

        _clock.Stop(Conversion, t);

        t = StageClock.Start();
        var shape = new long[] { count, window, ph, pw };
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, length), shape);
        using IDisposableReadOnlyCollection<OrtValue> results = _session.Run(new RunOptions(), [_inputName], [input], _session.OutputNames);
        ReadOnlySpan<float> maps = results[0].GetTensorDataAsSpan<float>();
        _clock.Stop(Inference, t);

        t = StageClock.Start();
        int outPlane = NetworkDecoder.Channels * plane;
        if (maps.Length != count * outPlane)
        {
            throw new InvalidOperationException($"model '{Model.Path}' returned {maps.Length} values for {count} frames of {ph}×{pw}; expected {count * outPlane} ({NetworkDecoder.Channels} maps each).");
        }

        for (int k = 0; k < count; k++)
        {
            int added = NetworkDecoder.Decode(maps.Slice(k * outPlane, outPlane), _width, _height, pw, ph, frames[start + k].Index > int.MaxValue ? int.MaxValue : (int)frames[start + k].Index, _options, _units, output, _calibration);
            Interlocked.Add(ref _detections, added);
        }

        Interlocked.Add(ref _frames, count);
        _clock.Stop(Detection, t);
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
