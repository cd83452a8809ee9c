using LiveSmlm.Acquisition.Feedback;
using LiveSmlm.Reconstruction;

namespace LiveSmlm.Acquisition.Session;

/// <summary>The live drift estimate: immutable, replaced as a whole on each update.</summary>
/// <param name="LastFrame">The last frame the estimate has seen.</param>
/// <param name="Method">Rcc or Fiducials.</param>
/// <param name="Beads">Beads tracked (0 for RCC).</param>
/// <param name="Trace">Drift per frame 0 … LastFrame, nm (x, y); zeros while the estimate is not reliable.</param>
/// <param name="Reliability">Whether the trace holds real information, and why not (RCC on a sample without structure).</param>
public sealed record DriftSnapshot(long LastFrame, DriftMethod Method, int Beads, DriftTrace Trace, DriftReliability Reliability)
{
    /// <summary>True when the trace may be trusted; false: show <see cref="DriftReliability.Reason"/> and suggest beads.</summary>
    public bool Reliable => Reliability.Reliable;
}

/// <summary>The live FRC resolution: immutable, replaced as a whole on each update.</summary>
/// <param name="LastFrame">The last frame of the localizations in the halves.</param>
/// <param name="Localizations">Localizations in both halves.</param>
/// <param name="ResolutionNm">FRC resolution (1/7 threshold), NaN while not resolved.</param>
/// <param name="History">Every update so far: last frame, localizations, resolution.</param>
public sealed record ResolutionSnapshot(long LastFrame, long Localizations, double ResolutionNm, IReadOnlyList<ResolutionPoint> History);

/// <summary>One live FRC update.</summary>
public readonly record struct ResolutionPoint(long LastFrame, long Localizations, double ResolutionNm);

/// <summary>
/// What a running acquisition shows while it runs, for the live view and the control plane: the activation
/// controller (its thread-safe setters change the setpoint, gains and mode live) and the latest drift and
/// resolution snapshots. The run fills it in; readers on any thread see whole immutable snapshots.
/// Create one, put it in <see cref="AcquisitionRequest.Live"/>, and read it while <see cref="AcquisitionRun.Run"/> runs.
/// </summary>
public sealed class AcquisitionLive
{
    private ActivationController? _controller;
    private DriftSnapshot? _drift;
    private ResolutionSnapshot? _resolution;

    /// <summary>Raised (on the run's thread) once the controller exists, before the lasers go on.</summary>
    public event Action<ActivationController>? ControllerStarted;

    /// <summary>The activation controller while feedback is on; null otherwise or before the run sets it up.</summary>
    public ActivationController? Controller => Volatile.Read(ref _controller);

    /// <summary>The latest drift estimate; null until the first update.</summary>
    public DriftSnapshot? Drift => Volatile.Read(ref _drift);

    /// <summary>The latest FRC resolution; null until the first update.</summary>
    public ResolutionSnapshot? Resolution => Volatile.Read(ref _resolution);

    /// <summary>The controller's state now (null without feedback).</summary>
    public ActivationControllerSnapshot? Feedback => Controller?.Snapshot();

    internal void Publish(ActivationController controller)
    {
        Volatile.Write(ref _controller, controller);
        ControllerStarted?.Invoke(controller);
    }

    internal void Publish(DriftSnapshot drift) => Volatile.Write(ref _drift, drift);

    internal void Publish(ResolutionSnapshot resolution) => Volatile.Write(ref _resolution, resolution);
}
