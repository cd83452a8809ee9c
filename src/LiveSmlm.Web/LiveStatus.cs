using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveSmlm.Web;

/// <summary>A laser as the page shows it: wanted power, emitted power now, the profile's maximum.</summary>
public sealed record LiveLaser(string Name, double WavelengthNm, string Role, double PowerMw, double EmittedMw, double MaxPowerMw);

/// <summary>One connected browser's feed: messages sent, messages dropped because it read too slowly.</summary>
public sealed record LiveClient(int Id, long SentMessages, long DroppedMessages);

/// <summary>The live drift estimate at its last frame (RCC or fiducial beads), nm; resolution from the live FRC.</summary>
public sealed record LiveDrift(long Frame, string Method, double XNm, double YNm);

/// <summary>GET /api/status (snake_case JSON) and the status part of each feed update.</summary>
public sealed record LiveStatus
{
    /// <summary>JSON of the API: snake_case keys, nulls written.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>idle, starting, acquiring, stopping, stopped, faulted.</summary>
    public required string State { get; init; }

    public string? Error { get; init; }

    /// <summary>Frames the camera delivered in this run.</summary>
    public long Frames { get; init; }

    public long FramesRecorded { get; init; }

    public long FramesLocalized { get; init; }

    public long Localizations { get; init; }

    /// <summary>Frames lost by the data plane (camera overflow; the recorder never drops).</summary>
    public long FramesDropped { get; init; }

    /// <summary>Camera frames per second over the last half second.</summary>
    public double Fps { get; init; }

    public double? MedianPrecisionNm { get; init; }

    public bool Recording { get; init; }

    public string? RecordingFolder { get; init; }

    public double TargetLocalizationsPerFrame { get; init; }

    public double TargetDensityPerUm2 { get; init; }

    /// <summary>manual or automatic: who sets the 405 nm power.</summary>
    public required string FeedbackMode { get; init; }

    /// <summary>The activation controller's state during a run (setpoint, measured density, power, saturated, exhausted).</summary>
    public Acquisition.Feedback.ActivationControllerSnapshot? Feedback { get; init; }

    /// <summary>The live drift estimate (null until the drift monitor's first update).</summary>
    public LiveDrift? Drift { get; init; }

    /// <summary>The live FRC resolution, nm (null until resolved).</summary>
    public double? ResolutionNm { get; init; }

    public required string Profile { get; init; }

    public double FieldWidthNm { get; init; }

    public double FieldHeightNm { get; init; }

    public double CameraPixelNm { get; init; }

    /// <summary>[z min, z max] nm of the depth colouring (the calibration's usable range, as render.png); null for 2D.</summary>
    public IReadOnlyList<double>? DepthRangeNm { get; init; }

    public long StoredLocalizations { get; init; }

    public long UnstoredLocalizations { get; init; }

    public long ViewGapFrames { get; init; }

    public required IReadOnlyList<LiveLaser> Lasers { get; init; }

    public required IReadOnlyList<LiveClient> Clients { get; init; }
}
