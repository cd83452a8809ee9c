namespace LiveSmlm.Localization.Tests;

/// <summary>The parallel benchmark path gives, ROI by ROI, what the single fit gives.</summary>
public class FitBatchTests
{
    [Fact]
    public void FitBatch_MatchesOneFitPerRoiAndCountsTheAccepted()
    {
        const int Size = 7, Count = 700;
        var rng = new Random(51);
        var rois = new float[Count * Size * Size];
        for (int r = 0; r < Count; r++)
        {
            double[] expected = r % 7 == 0
                ? Enumerable.Repeat(10.0, Size * Size).ToArray()
                : SpotImages.Roi(Size, 3.5 + (rng.NextDouble() - 0.5), 3.5 + (rng.NextDouble() - 0.5), 1.0, 800, 10);
            SpotImages.SamplePoisson(rng, expected, rois, r * Size * Size);
        }

        FitOptions options = new LocalizerSettings { PsfSigmaNm = 100 }.ToFitOptions();
        var results = new FitResult[Count];
        int accepted = CpuLocalizer.FitBatch(rois, Size, Count, options, results);

        for (int r = 0; r < Count; r++)
        {
            Assert.Equal(GaussianMle.Fit(new ArrayPixels(rois, r * Size * Size), default(ZeroPixels), Size, options), results[r]);
        }

        Assert.Equal(results.Count(r => r.IsAccepted), accepted);
        Assert.True(accepted >= Count * 6 / 7 * 0.98, $"{accepted} accepted");
    }

    [Fact]
    public void FitBatch_TooFewValues_ThrowsNamingTheCount()
    {
        var ex = Assert.Throws<ArgumentException>(() => CpuLocalizer.FitBatch(new float[49], 7, 2, FitOptions.Create(1f), new FitResult[2]));
        Assert.Contains("count", ex.Message, StringComparison.Ordinal);
    }
}
