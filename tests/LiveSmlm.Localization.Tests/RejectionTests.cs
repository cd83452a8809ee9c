using LiveSmlm.Core;

namespace LiveSmlm.Localization.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>Fits that are not emitters are rejected, and counted by reason.</summary>
public class RejectionTests
{
    [Fact]
    public void Fit_PureNoiseRois_AreAlmostNeverAccepted()
    {
        var rng = new Random(21);
        const int Rois = 500, Size = 7;
        var rois = new float[Rois * Size * Size];
        for (int r = 0; r < Rois; r++)
        {
            SpotImages.SamplePoisson(rng, Enumerable.Repeat(10.0, Size * Size).ToArray(), rois, r * Size * Size);
        }

        FitOptions options = new LocalizerSettings().ToFitOptions();
        var results = new FitResult[Rois];
        int accepted = CpuLocalizer.FitBatch(rois, Size, Rois, options, results);

        Assert.Equal(results.Count(r => r.Status == FitStatus.Ok), accepted);
        Assert.True(accepted <= 0.02 * Rois, $"{accepted} of {Rois} pure-noise ROIs accepted");
        var counts = new RejectionCounts();
        foreach (FitResult r in results)
        {
            counts.Add(r.Status);
        }

        Assert.Equal(Rois - accepted, counts.Total);
        Assert.True(counts.TooFewPhotons > 0, "noise fits carry too few photons above the background");
    }

    [Fact]
    public void Localize_BlobMuchWiderThanThePsf_IsCountedAsSigmaOutOfRange()
    {
        var rng = new Random(22);
        const double WideSigmaPx = 3.5; // 2.7 × the PSF, above the default 2 ×
        var truth = new List<TrueEmitter>();
        for (int f = 0; f < 10; f++)
        {
            truth.Add(new TrueEmitter(f, 32.3, 31.6, 20_000));
        }

        List<Frame> frames = FrameImages.Render(rng, FrameImages.Scmos, 10, 64, 64, truth, WideSigmaPx, 10);
        var localizer = new CpuLocalizer(new LocalizerSettings { Camera = FrameImages.Scmos, PsfSigmaNm = 130, RoiSizePx = 11 });
        var found = new List<Localization>();
        localizer.Localize(frames, found);

        Assert.DoesNotContain(found, l => Math.Abs((l.XNm / 100) - 32.3) < 2 && Math.Abs((l.YNm / 100) - 31.6) < 2);
        Assert.True(localizer.Rejections.SigmaOutOfRange >= 10, $"sigmaOutOfRange = {localizer.Rejections.SigmaOutOfRange}");
        Assert.Equal(localizer.Rejections.Total, localizer.Rejections.ToDictionary().Values.Sum());
        Assert.Equal(localizer.Rejections.SigmaOutOfRange, localizer.Rejections.ToDictionary()["sigmaOutOfRange"]);
        Assert.True(localizer.FitsAttempted >= localizer.Rejections.Total + found.Count(l => !l.Flags.HasFlag(LocalizationFlags.MultiEmitter)));
    }

    [Fact]
    public void RejectionCounts_DictionaryView_NamesEveryReason()
    {
        var counts = new RejectionCounts();
        counts.Add(FitStatus.OutsideRoi);
        counts.Add(FitStatus.SigmaOutOfRange, 2);
        counts.Add(FitStatus.TooFewPhotons, 3);
        counts.Add(FitStatus.NotConverged, 4);
        counts.Add(FitStatus.NonFinite, 5);
        counts.Add(FitStatus.Ok, 100);

        IReadOnlyDictionary<string, long> view = counts.ToDictionary();
        Assert.Equal(1, view["outsideRoi"]);
        Assert.Equal(2, view["sigmaOutOfRange"]);
        Assert.Equal(3, view["tooFewPhotons"]);
        Assert.Equal(4, view["notConverged"]);
        Assert.Equal(5, view["nonFinite"]);
        Assert.Equal(15, counts.Total);
    }
}
