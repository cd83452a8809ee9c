using System.CommandLine;
using System.Globalization;
using LiveSmlm.Devices.Profiles;

namespace LiveSmlm.Cli;

/// <summary>The multi-emitter options of analyze and acquire, and how they override a profile's "analysis" section.</summary>
internal sealed class MultiEmitterCliOptions
{
    public Option<string?> MultiEmitter { get; } = new("--multi-emitter") { Description = "Fit several emitters jointly where one fits poorly: on | off (default: the profile's analysis.multiEmitter, on)." };

    public Option<int?> MaxEmitters { get; } = new("--max-emitters") { Description = "Most emitters fitted jointly in one ROI, 2–4 (default: the profile's analysis.maxEmittersPerGroup, 3)." };

    public Option<double?> Alpha { get; } = new("--multi-emitter-alpha") { Description = "Significance level of each likelihood-ratio test for one more emitter (its false-positive rate), 1e-9–0.1 (default: the profile's analysis.multiEmitterSignificance, 3e-4)." };

    public Option<string?> ResidualDetection { get; } = new("--residual-detection") { Description = "A second detection pass on the residual image (data − the accepted fits) for emitters hidden next to brighter ones: on | off (default: the profile's analysis.residualDetection, off). CPU engine, 2D, wavelet background; needs the multi-emitter search." };

    public void AddTo(Command command)
    {
        MultiEmitter.AcceptOnlyFromAmong("on", "off");
        ResidualDetection.AcceptOnlyFromAmong("on", "off");
        command.Options.Add(MultiEmitter);
        command.Options.Add(MaxEmitters);
        command.Options.Add(Alpha);
        command.Options.Add(ResidualDetection);
    }

    /// <summary>
    /// <paramref name="analysis"/> (null: the defaults) with the options given applied; null when there
    /// is neither. Throws <see cref="UsageException"/> naming an option out of range.
    /// </summary>
    public AnalysisProfile? Apply(ParseResult parse, AnalysisProfile? analysis)
    {
        string? on = parse.GetValue(MultiEmitter);
        int? max = parse.GetValue(MaxEmitters);
        double? alpha = parse.GetValue(Alpha);
        string? residual = parse.GetValue(ResidualDetection);
        if (max is { } m && m is < AnalysisProfile.MinEmittersPerGroup or > AnalysisProfile.MaxEmittersLimit)
        {
            throw new UsageException($"--max-emitters must be within [{AnalysisProfile.MinEmittersPerGroup}, {AnalysisProfile.MaxEmittersLimit}] emitters per ROI; got {m}.");
        }

        if (alpha is { } a && !(a is >= AnalysisProfile.MinSignificance and <= AnalysisProfile.MaxSignificance))
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--multi-emitter-alpha must be within [1e-9, 0.1]; got {a}."));
        }

        if (on == "off" && (max is not null || alpha is not null))
        {
            throw new UsageException("--max-emitters and --multi-emitter-alpha need the multi-emitter search; drop --multi-emitter off.");
        }

        if (on == "off" && residual == "on")
        {
            throw new UsageException("--residual-detection on needs the multi-emitter search (it fits the new emitters with their neighbours); drop --multi-emitter off.");
        }

        if (on is null && max is null && alpha is null && residual is null)
        {
            return analysis;
        }

        AnalysisProfile start = analysis ?? new AnalysisProfile();
        return start with
        {
            MultiEmitter = on is null ? start.MultiEmitter : on == "on",
            MaxEmittersPerGroup = max ?? start.MaxEmittersPerGroup,
            MultiEmitterSignificance = alpha ?? start.MultiEmitterSignificance,
            ResidualDetection = residual is null ? start.ResidualDetection : residual == "on",
        };
    }
}
