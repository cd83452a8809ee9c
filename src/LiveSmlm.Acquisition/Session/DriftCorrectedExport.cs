using LiveSmlm.Reconstruction;

namespace LiveSmlm.Acquisition.Session;

using ILocalizationWriter = LiveSmlm.Core.ILocalizationWriter;
using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The drift-corrected twin of a localization file, streamed: localizations are read in chunks, each moved back
/// by its frame's drift, written to the writers and added to the render, so memory stays one chunk however long
/// the run (`acquire` at the end of a run, `livesmlm drift` afterwards).
/// </summary>
public static class DriftCorrectedExport
{
    /// <summary>Localizations held at once.</summary>
    public const int ChunkLocalizations = 65_536;

    /// <summary>Writes every localization of <paramref name="source"/>, corrected by <paramref name="trace"/>; returns how many.</summary>
    /// <param name="source">The uncorrected localizations, in any order (a streaming reader).</param>
    /// <param name="trace">The drift per frame; a reliable one only (an unreliable estimate must not correct anything).</param>
    /// <param name="writers">Where the corrected localizations go (completed here).</param>
    /// <param name="renderer">The corrected render, filled as the chunks pass; null for none.</param>
    public static long Write(IEnumerable<Localization> source, DriftTrace trace, IReadOnlyList<ILocalizationWriter> writers, GaussianRenderer? renderer)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(writers);
        var chunk = new Localization[ChunkLocalizations];
        int n = 0;
        long total = 0;
        void Flush()
        {
            Span<Localization> part = chunk.AsSpan(0, n);
            trace.Correct(part, part);
            foreach (ILocalizationWriter writer in writers)
            {
                writer.Write(part);
            }

            renderer?.Add(part);
            total += n;
            n = 0;
        }

        foreach (Localization loc in source)
        {
            chunk[n++] = loc;
            if (n == chunk.Length)
            {
                Flush();
            }
        }

        Flush();
        foreach (ILocalizationWriter writer in writers)
        {
            writer.Complete();
        }

        return total;
    }
}
