using LiveSmlm.Devices.Profiles;
using LiveSmlm.Devices.Safety;
using LiveSmlm.Devices.Simulated;

namespace LiveSmlm.Acquisition.Session;

/// <summary>Everything `livesmlm acquire` needs, after the CLI parsed it.</summary>
public sealed record AcquisitionRequest
{
    public required HardwareProfile Profile { get; init; }

    /// <summary>Frames to acquire (≥ 1); null: until the session is stopped (<see cref="SessionReady"/> hands it out).</summary>
    public required long? Frames { get; init; }

    /// <summary>Where the outputs go; may be null only when <see cref="Record"/> is false.</summary>
    public required string? OutDir { get; init; }

    /// <summary>
    /// Write raw.ome.tif, the localization files, render.png and summary.json to <see cref="OutDir"/>.
    /// False for a live view that only watches (`livesmlm live` with recording off): nothing is written.
    /// </summary>
    public bool Record { get; init; } = true;

    /// <summary>
    /// More consumers of the localization fan-out (the live view), each with the capacity and full-mode
    /// its owner chose: DropOldest for a preview, so that it never holds back the data plane.
    /// </summary>
    public IReadOnlyList<Pipeline.SinkChannel> ExtraSinks { get; init; } = [];

    /// <summary>
    /// Called on the camera reader's thread with every frame after it was recorded (the live camera
    /// view). It must return at once: copy what it needs, never block. An exception faults the run.
    /// </summary>
    public Action<Core.Frame>? PreviewFrame { get; init; }

    /// <summary>
    /// Called once the session is armed, before the camera starts: the control plane's handle on the
    /// lasers (behind their safety decorators) and on <see cref="Devices.DeviceSession.Stop"/>, which ends
    /// an open-ended run cleanly (the camera stops, the pipeline drains, the outputs are completed).
    /// </summary>
    public Action<Devices.DeviceSession>? SessionReady { get; init; }

    /// <summary>Engine registry name (auto, cpu, gpu, ilgpu-cpu).</summary>
    public string Engine { get; init; } = "auto";

    /// <summary>3D calibration (`calibrate-3d`): the run fits x, y, z with <see cref="Psf3D"/> and renders by depth; null for 2D.</summary>
    public Localization.PsfCalibration3D? Calibration3D { get; init; }

    public Localization.Psf3DModel Psf3D { get; init; } = Localization.Psf3DModel.Gauss3D;

    /// <summary>Frames as fast as the pipeline takes them instead of at the camera's rate (simulator and replay only).</summary>
    public bool AsFastAsPossible { get; init; }

    /// <summary>A recorded stack to replay as the camera (the rig's lasers stay the simulated ones); null: the simulated camera.</summary>
    public string? ReplayStack { get; init; }

    /// <summary>Replay rate, frames/s; the profile's camera rate when null.</summary>
    public double? ReplayFrameRateHz { get; init; }

    public ulong Seed { get; init; } = 1;

    public int BatchFrames { get; init; } = 32;

    /// <summary>Frames per entry of the per-window log.</summary>
    public int WindowFrames { get; init; } = 100;

    public double RenderPixelNm { get; init; } = 10;

    /// <summary>How long past its due time a frame may be late before the camera counts as stopped; 1 s or 20 frame periods when null.</summary>
    public TimeSpan? ReadTimeout { get; init; }

    /// <summary>How far the reader may fall behind a paced camera (frames) before the camera overflows.</summary>
    public int CameraBufferFrames { get; init; } = Devices.SequenceOptions.DefaultBufferCapacityFrames;

    /// <summary>How often the laser watchdog reads the lasers.</summary>
    public TimeSpan LaserPollPeriod { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// An existing rig to drive (the caller owns it: tests and rehearsals inject faults into it); a
    /// new <see cref="SimulatedRig"/> of <see cref="Profile"/> and <see cref="Seed"/> when null.
    /// </summary>
    public SimulatedRig? Rig { get; init; }

    /// <summary>Closed-loop activation feedback on the profile's feedback laser (`--feedback on`); the profile's feedback section, or its defaults.</summary>
    public bool Feedback { get; init; }

    /// <summary>Overrides the profile's feedback setpoint, localizations per frame (`--setpoint`).</summary>
    public double? SetpointLocalizationsPerFrame { get; init; }

    /// <summary>Live drift and FRC during the run (drift.csv, drift plot, corrected localizations and render, FRC in the summary).</summary>
    public bool Monitor { get; init; } = true;

    /// <summary>Stop when the FRC resolution improved by less than this (nm) over <see cref="StopResolutionOverFrames"/>; the profile's monitoring value when null.</summary>
    public double? StopResolutionImprovementNm { get; init; }

    /// <summary>The span for <see cref="StopResolutionImprovementNm"/>; the profile's when null.</summary>
    public int? StopResolutionOverFrames { get; init; }

    /// <summary>Filled in by the run with the live controller and snapshots (for the live view); none when null.</summary>
    public AcquisitionLive? Live { get; init; }

    /// <summary>Where the lasers join for Ctrl-C / SIGTERM / exit; the process-wide registry when null.</summary>
    public LaserSafetyRegistry? SafetyRegistry { get; init; }

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Profile);
        if (Record)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(OutDir);
        }

        if (Frames is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Frames), Frames, $"--frames must be at least 1; got {Frames}.");
        }

        if (ReplayFrameRateHz is { } f && (!double.IsFinite(f) || f <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ReplayFrameRateHz), f, $"--replay-fps must be > 0 frames/s; got {f}.");
        }

        if (WindowFrames < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(WindowFrames), WindowFrames, "The window log needs at least 1 frame per window.");
        }

        if (SetpointLocalizationsPerFrame is { } sp && !(double.IsFinite(sp) && sp > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(SetpointLocalizationsPerFrame), sp, $"--setpoint must be > 0 localizations per frame; got {sp}.");
        }

        if (StopResolutionImprovementNm is { } nm && !(double.IsFinite(nm) && nm >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(StopResolutionImprovementNm), nm, $"--stop-resolution-nm must be ≥ 0 nm; got {nm}.");
        }

        if (StopResolutionOverFrames is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(StopResolutionOverFrames), StopResolutionOverFrames, "--stop-resolution-frames must be at least 1.");
        }

        new Pipeline.PipelineOptions { BatchFrames = BatchFrames }.Validate();
    }
}
