namespace LiveSmlm.Localization;

/// <summary>
/// A snapshot of an engine's counters, taken between calls (or while it runs, for a status line): the
/// numbers do not change under the reader.
/// </summary>
public sealed record LocalizerStatistics
{
    /// <summary>Candidate spots detected.</summary>
    public long Detections { get; init; }

    /// <summary>Single-emitter fits attempted.</summary>
    public long FitsAttempted { get; init; }

    /// <summary>Multi-emitter fits attempted (the single fit was poor) and accepted (the model test preferred them).</summary>
    public long MultiEmitterFitsAttempted { get; init; }

    public long MultiEmitterFitsAccepted { get; init; }

    /// <summary>ROIs whose accepted model has n emitters, keyed by n ("1", "2", …): the single fits kept and the groups.</summary>
    public IReadOnlyDictionary<string, long> GroupsByEmitters { get; init; } = new Dictionary<string, long>();

    /// <summary>Emitters of accepted groups that were placed at a residual peak (detection had missed them).</summary>
    public long EmittersFromResidual { get; init; }

    /// <summary>Counts by emitters per group as <see cref="GroupsByEmitters"/> writes them.</summary>
    public static IReadOnlyDictionary<string, long> GroupsDictionary(IReadOnlyList<long> byEmitters)
    {
        ArgumentNullException.ThrowIfNull(byEmitters);
        var groups = new Dictionary<string, long>();
        for (int n = 1; n < byEmitters.Count; n++)
        {
            groups[n.ToString(System.Globalization.CultureInfo.InvariantCulture)] = byEmitters[n];
        }

        return groups;
    }

    /// <summary>Rejected fits by reason (camelCase keys, as summary.json writes them).</summary>
    public IReadOnlyDictionary<string, long> Rejections { get; init; } = new Dictionary<string, long>();

    /// <summary>Seconds of thread time per stage inside the engine (see <see cref="LocalizerStages"/>).</summary>
    public IReadOnlyDictionary<string, double> StageSeconds { get; init; } = new Dictionary<string, double>();
}

/// <summary>The stages an engine times, by index into its <see cref="LiveSmlm.Core.StageClock"/>.</summary>
public static class LocalizerStages
{
    public const int PhotonConversion = 0;
    public const int Background = 1;
    public const int Detection = 2;
    public const int SingleFits = 3;
    public const int MultiEmitterFits = 4;
    public const int DuplicateMerge = 5;

    /// <summary>Work on an accelerator that the host cannot split into the stages above (upload, kernels, download).</summary>
    public const int Device = 6;

    public static IReadOnlyList<string> Names { get; } =
        ["photon_conversion", "background", "detection", "single_fits", "multi_emitter_fits", "duplicate_merge", "device"];
}
