using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveSmlm.Localization.Network;

// The namespace shares the record's name; the alias keeps signatures readable.
using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// Post-hoc calibration of the network's reported uncertainty: σ_reported = σ_net · f(ρ, σ_net), with ρ
/// the local density of the other detections of the same frame (per µm², in a square of ±HalfWindowNm
/// around the detection, corrected for the part of the square outside the frame) and σ_net the network's
/// own σ (the mean of its x and y). f is a table fitted by `livesmlm train` on held-out simulated stacks
/// (the root mean square of error/σ_net per cell, matched to the simulator's truth as `evaluate` does) and
/// stored in the model's metadata (livesmlm.calibration). The network's σ alone is too small where
/// emitters overlap (it does not see the emitters it misses or merges); ρ is what the engine knows of that.
/// </summary>
public sealed record NetworkCalibration
{
    /// <summary>The metadata key the table is stored under.</summary>
    public const string MetadataKey = "livesmlm.calibration";

    /// <summary>Half-width of the square in which the other detections are counted, nm.</summary>
    public required double HalfWindowNm { get; init; }

    /// <summary>Bin edges of ρ (per µm², ascending, first 0); a value past the last edge falls in the last bin.</summary>
    public required double[] DensityEdges { get; init; }

    /// <summary>Bin edges of σ_net (nm, ascending, first 0).</summary>
    public required double[] SigmaEdgesNm { get; init; }

    /// <summary>The factors, row-major: [density bin][σ bin].</summary>
    public required double[][] Factors { get; init; }

    /// <summary>How the table was fitted (seed, densities, pairs, before/after), for the record.</summary>
    public string Fit { get; init; } = "";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>The table as the JSON stored in the metadata.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads the metadata value; <see cref="NetworkModelException"/> naming the model and what is wrong.</summary>
    public static NetworkCalibration Parse(string path, string json)
    {
        NetworkCalibration? c;
        try
        {
            c = JsonSerializer.Deserialize<NetworkCalibration>(json, Json);
        }
        catch (JsonException e)
        {
            throw new NetworkModelException($"model '{path}': {MetadataKey} is not the calibration JSON ({e.Message}).", e);
        }

        string? problem = c is null ? "it is empty" : c.Problem();
        return problem is null ? c! : throw new NetworkModelException($"model '{path}': {MetadataKey} is unusable: {problem}.");
    }

    private string? Problem()
    {
        static bool Ascending(double[]? e) => e is { Length: >= 1 } && e[0] == 0 && e.Zip(e.Skip(1)).All(p => p.Second > p.First);
        if (!(double.IsFinite(HalfWindowNm) && HalfWindowNm > 0))
        {
            return string.Create(CultureInfo.InvariantCulture, $"halfWindowNm = {HalfWindowNm}; it must be > 0");
        }

        if (!Ascending(DensityEdges) || !Ascending(SigmaEdgesNm))
        {
            return "the bin edges must start at 0 and ascend";
        }

        if (Factors is null || Factors.Length != DensityEdges.Length || Factors.Any(r => r is null || r.Length != SigmaEdgesNm.Length || r.Any(f => !(double.IsFinite(f) && f > 0))))
        {
            return $"factors must be {DensityEdges.Length} rows of {SigmaEdgesNm.Length} positive numbers";
        }

        return null;
    }

    /// <summary>The factor for a detection with local density <paramref name="density"/> and network σ <paramref name="sigmaNm"/>.</summary>
    public double Factor(double density, double sigmaNm) => Factors[Bin(DensityEdges, density)][Bin(SigmaEdgesNm, sigmaNm)];

    /// <summary>The bin of <paramref name="value"/>: the last edge ≤ it.</summary>
    public static int Bin(double[] edges, double value)
    {
        ArgumentNullException.ThrowIfNull(edges);
        int i = Array.BinarySearch(edges, value);
        i = i >= 0 ? i : ~i - 1;
        return Math.Clamp(i, 0, edges.Length - 1);
    }

    /// <summary>
    /// The local density (per µm²) of the other detections of one frame around each of them, written to
    /// <paramref name="density"/>: the count in the square of ±<paramref name="halfWindowNm"/>, over the area
    /// of the square that lies inside the frame (<paramref name="widthNm"/> × <paramref name="heightNm"/>).
    /// <paramref name="locs"/> must be sorted by x (the decoder's order).
    /// </summary>
    public static void LocalDensity(ReadOnlySpan<Localization> locs, double widthNm, double heightNm, double halfWindowNm, Span<float> density)
    {
        if (density.Length < locs.Length)
        {
            throw new ArgumentException($"density holds {density.Length} values for {locs.Length} localizations.", nameof(density));
        }

        Span<int> counts = locs.Length <= 4096 ? stackalloc int[locs.Length] : new int[locs.Length];
        counts.Clear();
        float r = (float)halfWindowNm;
        for (int i = 0; i < locs.Length; i++)
        {
            float xi = locs[i].XNm;
            float yi = locs[i].YNm;
            for (int j = i + 1; j < locs.Length && locs[j].XNm - xi <= r; j++)
            {
                if (MathF.Abs(locs[j].YNm - yi) <= r)
                {
                    counts[i]++;
                    counts[j]++;
                }
            }
        }

        for (int i = 0; i < locs.Length; i++)
        {
            double x = locs[i].XNm;
            double y = locs[i].YNm;
            double w = Math.Clamp(Math.Min(x + halfWindowNm, widthNm) - Math.Max(x - halfWindowNm, 0), halfWindowNm, 2 * halfWindowNm);
            double h = Math.Clamp(Math.Min(y + halfWindowNm, heightNm) - Math.Max(y - halfWindowNm, 0), halfWindowNm, 2 * halfWindowNm);
            density[i] = (float)(counts[i] / (w * h * 1e-6));
        }
    }

    /// <summary>Scales the uncertainties of one frame's localizations (sorted by x) in place.</summary>
    public void Apply(Span<Localization> locs, double widthNm, double heightNm)
    {
        if (locs.IsEmpty)
        {
            return;
        }

        Span<float> density = locs.Length <= 4096 ? stackalloc float[locs.Length] : new float[locs.Length];
        LocalDensity(locs, widthNm, heightNm, HalfWindowNm, density);
        for (int i = 0; i < locs.Length; i++)
        {
            ref Localization l = ref locs[i];
            float f = (float)Factor(density[i], 0.5 * (l.UncertaintyXNm + l.UncertaintyYNm));
            l.UncertaintyXNm *= f;
            l.UncertaintyYNm *= f;
        }
    }
}
