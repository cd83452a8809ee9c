using LiveSmlm.Core;

namespace LiveSmlm.Localization.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// Full frames through the engine with default settings: isolated emitters are found (recall) and
/// nothing else is (precision), across sCMOS and EMCCD, 500–5000 photons, 5–50 background photons/px.
/// </summary>
public class DetectionTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private const int Width = 96;
    private const int Height = 96;
    private const double SigmaPx = 1.3;
    private const double PixelNm = 100;

    [Theory]
    [InlineData(false, 500, 5)]
    [InlineData(false, 500, 50)]
    [InlineData(false, 5000, 50)]
    [InlineData(true, 500, 5)]
    [InlineData(true, 500, 50)]
    [InlineData(true, 5000, 20)]
    public void Localize_IsolatedEmitters_RecallAndPrecisionAtLeast99Percent(bool emccd, double photons, double background)
    {
        var rng = new Random(emccd ? 100 : 200);
        CameraModel camera = emccd ? FrameImages.Emccd : FrameImages.Scmos;
        const int Frames = 25;
        List<TrueEmitter> truth = FrameImages.IsolatedEmitters(rng, Frames, 12, Width, Height, photons, minSeparationPx: 10);
        List<Frame> frames = FrameImages.Render(rng, camera, Frames, Width, Height, truth, SigmaPx, background);
        var localizer = new CpuLocalizer(new LocalizerSettings { Camera = camera, PsfSigmaNm = SigmaPx * PixelNm });
        var found = new List<Localization>();
        localizer.Localize(frames, found);

        var matches = FrameImages.Match(truth, found, PixelNm, radiusPx: 1.5);
        double recall = (double)matches.Count / truth.Count;
        double precision = found.Count == 0 ? 0 : (double)matches.Count / found.Count;
        int overlapFlags = found.Count(l => l.Flags.HasFlag(LocalizationFlags.PossibleOverlap));
        int pairs = found.Count(l => l.Flags.HasFlag(LocalizationFlags.MultiEmitter));
        log.WriteLine($"recall {recall:P2} precision {precision:P2} overlap-flagged {overlapFlags} multi {pairs} of {found.Count}; pair fits {localizer.MultiEmitterFitsAttempted}/{localizer.FitsAttempted}");
        Assert.True(recall >= 0.99, $"recall {recall:P2} ({matches.Count}/{truth.Count}), precision {precision:P2}");
        Assert.True(precision >= 0.99, $"precision {precision:P2} ({matches.Count}/{found.Count}), recall {recall:P2}");

        // Output contract: frames in order, within a frame sorted by x.
        for (int k = 1; k < found.Count; k++)
        {
            Assert.True(found[k].Frame > found[k - 1].Frame || (found[k].Frame == found[k - 1].Frame && found[k].XNm >= found[k - 1].XNm));
        }

        // Isolated spots are rarely mistaken for overlaps or pairs.
        Assert.True(overlapFlags <= 0.05 * found.Count, $"{overlapFlags} of {found.Count} flagged PossibleOverlap");
        Assert.True(pairs <= 0.02 * found.Count, $"{pairs} of {found.Count} flagged MultiEmitter");
    }
}
