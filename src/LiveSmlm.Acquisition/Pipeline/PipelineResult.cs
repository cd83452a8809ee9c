using LiveSmlm.Localization;

namespace LiveSmlm.Acquisition.Pipeline;

/// <summary>What one run of the data plane did and where its time went.</summary>
public sealed record PipelineResult
{
    public long Frames { get; init; }

    public long Localizations { get; init; }

    /// <summary>Wall-clock seconds from start to the last sink's completion.</summary>
    public double Seconds { get; init; }

    /// <summary>Process CPU time (user + system) over the run, all threads.</summary>
    public double CpuSeconds { get; init; }

    /// <summary>Thread seconds in the pipeline's own stages (<see cref="LocalizationPipeline.StageNames"/>).</summary>
    public required IReadOnlyDictionary<string, double> StageSeconds { get; init; }

    public required IReadOnlyList<SinkStatistics> Sinks { get; init; }

    public required LocalizerStatistics Localizer { get; init; }

    public required EngineInfo Engine { get; init; }

    public int FramePoolSize { get; init; }

    public int LocalizationBatchesCreated { get; init; }

    /// <summary>
    /// Every stage's thread seconds in one table: reading, the engine's stages, each sink (sink:NAME)
    /// and the channel waits. The engine's own stages replace the pipeline's "localize" total, which
    /// holds them.
    /// </summary>
    public IReadOnlyDictionary<string, double> AllStages()
    {
        var all = new Dictionary<string, double>();
        foreach ((string name, double s) in StageSeconds)
        {
            if (name != "localize")
            {
                all[name] = s;
            }
        }

        foreach ((string name, double s) in Localizer.StageSeconds)
        {
            if (s > 0 || name != "device")
            {
                all[name] = s;
            }
        }

        foreach (SinkStatistics sink in Sinks)
        {
            all["sink:" + sink.Name] = sink.Seconds;
        }

        return all;
    }
}

/// <summary>One sink's channel and work: batches written, batches dropped (DropOldest only), thread seconds.</summary>
public sealed record SinkStatistics(string Name, int Capacity, string FullMode, long Batches, long DroppedBatches, double Seconds);
