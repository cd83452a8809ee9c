namespace LiveSmlm.Localization;

/// <summary>What an engine can do, so that a pipeline asks instead of testing types.</summary>
[Flags]
public enum EngineCapabilities
{
    None = 0,

    /// <summary>Fast only with several frames per call (a GPU fills its cores with batches).</summary>
    NeedsBatches = 1,

    /// <summary>Can keep a temporal median background across calls (frames must come in order).</summary>
    HasTemporalBackground = 2,

    /// <summary>Fits pre-cut ROIs directly (<see cref="IRoiBatchFitter"/>): the fits/s benchmark.</summary>
    FitsRoiBatches = 4,

    /// <summary>Runs on an accelerator (GPU, or ILGPU's CPU accelerator) rather than plain CPU code.</summary>
    RunsOnAccelerator = 8,

    /// <summary>Separates overlapping emitters (multi-emitter fits).</summary>
    MultiEmitter = 16,

    /// <summary>Runs the second detection pass on the residual image (<see cref="LocalizerSettings.ResidualDetection"/>).</summary>
    ResidualDetection = 32,
}

/// <summary>An engine as it runs: its registry name, the device it runs on, and what it can do.</summary>
public sealed record EngineInfo(string Name, string Device, EngineCapabilities Capabilities)
{
    public bool Has(EngineCapabilities capability) => (Capabilities & capability) == capability;
}

/// <summary>An engine that fits pre-cut square ROIs (photoelectrons, roiSize² each, back to back).</summary>
public interface IRoiBatchFitter
{
    /// <summary>Fits <paramref name="count"/> ROIs into <paramref name="results"/>; returns how many were accepted.</summary>
    int FitBatch(float[] rois, int roiSize, int count, FitOptions options, Span<FitResult> results);
}
