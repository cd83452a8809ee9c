using LiveSmlm.Core;
using Microsoft.ML.OnnxRuntime;

namespace LiveSmlm.Localization.Network;

/// <summary>
/// Opens models and makes the network engine: the model given in <see cref="LocalizerSettings.ModelPath"/>,
/// or the shipped model (models/*.onnx beside the program) trained for the data's camera. A model
/// trained for another camera type or pixel size is refused. ONNX Runtime's CUDA provider is used when
/// the installed onnxruntime has it; otherwise the CPU provider, and the engine's device says why.
/// </summary>
public static class NetworkEngine
{
    public const string Name = "network";

    /// <summary>Folder of the shipped models, beside the program.</summary>
    public static string ShippedModelsFolder => Path.Combine(AppContext.BaseDirectory, "models");

    private static readonly Lazy<string?> RuntimeProblem = new(ProbeRuntime);

    /// <summary>The registry entry; never picked by auto (the MLE engines stay the default).</summary>
    public static EngineDescriptor Descriptor { get; } = new(
        Name, "DECODE-like network through ONNX Runtime (a model trained for the camera: models/ or --model)",
        () => RuntimeProblem.Value is { } problem ? EngineAvailability.No(problem) : EngineAvailability.Yes,
        settings => Create(settings), AutoPriority: -1);

    /// <summary>Adds the network engine to <paramref name="registry"/>.</summary>
    public static void RegisterEngines(EngineRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(Descriptor);
    }

    /// <summary>Reads a model's metadata (and checks the file is a model ONNX Runtime can load).</summary>
    public static NetworkModelInfo ReadModel(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new NetworkModelException($"model '{path}' does not exist.");
        }

        using var options = new SessionOptions();
        using InferenceSession session = Open(path, options);
        return Info(path, session);
    }

    /// <summary>The shipped models (path and metadata), in name order; damaged files are skipped.</summary>
    public static IReadOnlyList<NetworkModelInfo> ShippedModels(string? folder = null)
    {
        folder ??= ShippedModelsFolder;
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var models = new List<NetworkModelInfo>();
        foreach (string path in Directory.GetFiles(folder, "*.onnx").Order(StringComparer.Ordinal))
        {
            models.Add(ReadModel(path));
        }

        return models;
    }

    /// <summary>The model for <paramref name="camera"/>: <paramref name="modelPath"/> checked against it, or the first shipped model that matches.</summary>
    public static NetworkModelInfo Resolve(CameraModel camera, string? modelPath, string? shippedFolder = null)
    {
        ArgumentNullException.ThrowIfNull(camera);
        if (modelPath is not null)
        {
            NetworkModelInfo model = ReadModel(modelPath);
            return model.Mismatch(camera) is { } why ? throw new NetworkModelException(why) : model;
        }

        IReadOnlyList<NetworkModelInfo> shipped = ShippedModels(shippedFolder);
        return shipped.FirstOrDefault(m => m.Mismatch(camera) is null)
            ?? throw new NetworkModelException(
                $"no shipped model fits an {NetworkModelInfo.CameraTypeOf(camera)} camera with {camera.PixelSizeNm} nm pixels " +
                $"(shipped: {(shipped.Count == 0 ? "none in " + (shippedFolder ?? ShippedModelsFolder) : string.Join(", ", shipped.Select(m => $"{System.IO.Path.GetFileName(m.Path)}: {m.CameraType} {m.PixelSizeNm} nm")))}); " +
                "train one with `livesmlm train --profile FILE --out model.onnx` and pass it as the model.");
    }

    /// <summary>
    /// Makes the engine for validated <paramref name="settings"/>; the caller disposes it. The model's
    /// uncertainty calibration is applied unless <paramref name="uncalibrated"/> (its fit needs the raw σ).
    /// </summary>
    public static NetworkLocalizer Create(LocalizerSettings settings, DecodeOptions? decode = null, string? shippedFolder = null, bool uncalibrated = false)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        NetworkModelInfo model = Resolve(settings.Camera, settings.ModelPath, shippedFolder);
        var options = CpuOptions();
        string device;
        bool gpu = false;
        try
        {
            options.AppendExecutionProvider_CUDA(0);
            device = "CUDA (ONNX Runtime)";
            gpu = true;
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            device = $"CPU (ONNX Runtime, {Environment.ProcessorCount} threads; CUDA provider not installed)";
        }

        InferenceSession session;
        try
        {
            session = Open(model.Path, options);
        }
        finally
        {
            options.Dispose();
        }

        return new NetworkLocalizer(settings, model, session, device, decode ?? new DecodeOptions(model.RawThreshold, model.Threshold), uncalibrated ? null : model.Calibration, gpu);
    }

    /// <summary>
    /// The session options for inference: all graph optimisations (ONNX Runtime's NCHWc layout and
    /// fusions), one intra-op thread per core, sequential execution (the graph is a chain), the memory
    /// pattern and arena (same shapes every call, so buffers are planned once), and worker threads that
    /// sleep instead of spinning between operators (LIVESMLM_ORT_SPIN=1 turns spinning on): spinning burns
    /// the CPU that the camera, the pipeline and other programs need, and on the shared 2-core machine it
    /// gave no more frames/s wall and half the frames per CPU-second (docs/network-engine.md).
    /// </summary>
    public static SessionOptions CpuOptions()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Environment.ProcessorCount,
            InterOpNumThreads = 1,
            EnableMemoryPattern = true,
            EnableCpuMemArena = true,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", Environment.GetEnvironmentVariable("LIVESMLM_ORT_SPIN") == "1" ? "1" : "0");

        return options;
    }

    private static InferenceSession Open(string path, SessionOptions options)
    {
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new NetworkModelException($"model '{path}' cannot be loaded by ONNX Runtime: {e.Message}", e);
        }
    }

    private static NetworkModelInfo Info(string path, InferenceSession session)
    {
        NetworkModelInfo info = NetworkModelInfo.Parse(path, session.ModelMetadata.CustomMetadataMap);
        NodeMetadata input = session.InputMetadata.Values.First();
        if (input.Dimensions.Length != 4 || (input.Dimensions[1] > 0 && input.Dimensions[1] != info.Frames))
        {
            throw new NetworkModelException($"model '{path}' takes input [{string.Join(", ", input.Dimensions)}]; the engine feeds [batch, {info.Frames}, height, width].");
        }

        return info;
    }

    private static string? ProbeRuntime()
    {
        try
        {
            _ = OrtEnv.Instance().GetVersionString();
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or OnnxRuntimeException)
        {
            return $"ONNX Runtime's native library does not load here ({e.GetType().Name}: {e.Message}).";
        }
    }
}
