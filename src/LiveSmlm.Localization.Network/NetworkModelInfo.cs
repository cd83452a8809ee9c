using System.Globalization;
using LiveSmlm.Core;

namespace LiveSmlm.Localization.Network;

/// <summary>
/// What a model file says about itself (ONNX metadata written by training/train.py): the camera and
/// pixel size it was trained for, how many frames it reads, the multiple its height and width must be,
/// and its output maps.
/// </summary>
public sealed record NetworkModelInfo
{
    /// <summary>The format this engine reads; a model of another format is refused.</summary>
    public const string Format = "livesmlm-decode-1";

    /// <summary>The output maps, in channel order, that the decoder reads.</summary>
    public static IReadOnlyList<string> OutputChannels { get; } = ["p", "dx", "dy", "n", "sx", "sy", "sn", "bg"];

    /// <summary>Relative pixel-size difference a model tolerates (rounding in profiles).</summary>
    public const double PixelSizeTolerance = 0.01;

    public required string Path { get; init; }

    public required string Profile { get; init; }

    /// <summary>"sCMOS" or "EMCCD".</summary>
    public required string CameraType { get; init; }

    public required double PixelSizeNm { get; init; }

    public required double PsfSigmaNm { get; init; }

    /// <summary>Frames per input: the frame itself and the ones before it (t − Frames + 1 … t).</summary>
    public required int Frames { get; init; }

    /// <summary>Height and width of the input must be multiples of this.</summary>
    public required int MultipleOf { get; init; }

    /// <summary>Decoding threshold on the 3×3 sum of p that training chose on its validation data (livesmlm.threshold; 0.6 when absent).</summary>
    public float Threshold { get; init; } = DecodeOptions.Default.Threshold;

    /// <summary>Candidate threshold on a pixel's own p (livesmlm.rawThreshold, chosen with the calibration on held-out stacks; 0.1 when absent).</summary>
    public float RawThreshold { get; init; } = DecodeOptions.Default.RawThreshold;

    /// <summary>The uncertainty calibration fitted after training (livesmlm.calibration); null when the model has none.</summary>
    public NetworkCalibration? Calibration { get; init; }

    /// <summary>The training record (JSON: steps, minutes, validation Jaccard, …), as written.</summary>
    public string Training { get; init; } = "";

    /// <summary>The camera type a camera model is: EMCCD when it has EM gain, sCMOS otherwise.</summary>
    public static string CameraTypeOf(CameraModel camera)
    {
        ArgumentNullException.ThrowIfNull(camera);
        return camera.IsEmccd ? "EMCCD" : "sCMOS";
    }

    /// <summary>Reads the metadata map of a model; <see cref="NetworkModelException"/> naming the missing or bad key.</summary>
    public static NetworkModelInfo Parse(string path, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        string Get(string key) => metadata.TryGetValue("livesmlm." + key, out string? v)
            ? v
            : throw new NetworkModelException($"model '{path}' has no livesmlm.{key} in its metadata: it was not written by training/train.py (format {Format}).");
        double Number(string key) => double.TryParse(Get(key), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > 0
            ? v
            : throw new NetworkModelException($"model '{path}': livesmlm.{key} = '{Get(key)}' is not a positive number.");

        string format = Get("format");
        if (format != Format)
        {
            throw new NetworkModelException($"model '{path}' is format '{format}'; this engine reads '{Format}'.");
        }

        string outputs = Get("outputs");
        if (outputs != string.Join(',', OutputChannels))
        {
            throw new NetworkModelException($"model '{path}' has outputs '{outputs}'; this engine decodes '{string.Join(',', OutputChannels)}'.");
        }

        string camera = Get("cameraType");
        if (camera is not ("sCMOS" or "EMCCD"))
        {
            throw new NetworkModelException($"model '{path}': livesmlm.cameraType = '{camera}'; it must be sCMOS or EMCCD.");
        }

        return new NetworkModelInfo
        {
            Path = path,
            Profile = Get("profile"),
            CameraType = camera,
            PixelSizeNm = Number("pixelSizeNm"),
            PsfSigmaNm = Number("psfSigmaNm"),
            Frames = (int)Number("frames"),
            MultipleOf = (int)Number("multipleOf"),
            Training = metadata.TryGetValue("livesmlm.training", out string? t) ? t : "",
            Threshold = metadata.ContainsKey("livesmlm.threshold") ? (float)Number("threshold") : DecodeOptions.Default.Threshold,
            RawThreshold = metadata.ContainsKey("livesmlm.rawThreshold") ? (float)Number("rawThreshold") : DecodeOptions.Default.RawThreshold,
            Calibration = metadata.TryGetValue(NetworkCalibration.MetadataKey, out string? c) ? NetworkCalibration.Parse(path, c) : null,
        };
    }

    /// <summary>Why this model cannot read data from <paramref name="camera"/>; null when it can.</summary>
    public string? Mismatch(CameraModel camera)
    {
        ArgumentNullException.ThrowIfNull(camera);
        string type = CameraTypeOf(camera);
        var problems = new List<string>();
        if (type != CameraType)
        {
            problems.Add($"it was trained for an {CameraType} camera and the data come from an {type}");
        }

        if (Math.Abs(camera.PixelSizeNm - PixelSizeNm) > PixelSizeTolerance * PixelSizeNm)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"it was trained for {PixelSizeNm} nm pixels and the data have {camera.PixelSizeNm} nm"));
        }

        return problems.Count == 0
            ? null
            : $"model '{Path}' (profile {Profile}) does not match the data: {string.Join("; ", problems)}. Train one for this camera with `livesmlm train --profile FILE --out model.onnx`.";
    }
}

/// <summary>A model file that cannot be used: not ours, damaged, or trained for another camera.</summary>
public sealed class NetworkModelException : ArgumentException
{
    public NetworkModelException()
    {
    }

    public NetworkModelException(string message)
        : base(message)
    {
    }

    public NetworkModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
