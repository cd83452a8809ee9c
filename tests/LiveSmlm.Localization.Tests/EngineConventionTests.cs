using LiveSmlm.Core;

namespace LiveSmlm.Localization.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// What the engine reports: nm with the pixel-corner origin, photons at the sample (÷ QE), background
/// per pixel, frame numbers and order, AtBorder for shifted ROIs.
/// </summary>
public class EngineConventionTests
{
    private const double PixelNm = 100;
    private const double SigmaPx = 1.3;

    [Fact]
    public void Localize_ReportsNmFromPixelCornerPhotonsAtTheSampleAndFrameOrder()
    {
        var rng = new Random(31);
        CameraModel camera = FrameImages.Scmos with { QuantumEfficiency = 0.8 };
        const int Frames = 120;
        const double Photons = 2000, Background = 12;
        var truth = new List<TrueEmitter>();
        for (int f = 0; f < Frames; f++)
        {
            truth.Add(new TrueEmitter(f, 20 + rng.NextDouble(), 25 + rng.NextDouble(), Photons));
        }

        List<Frame> frames = FrameImages.Render(rng, camera, Frames, 48, 48, truth, SigmaPx, Background);
        foreach (Frame frame in frames)
        {
            frame.Index += 1000;
        }

        var localizer = new CpuLocalizer(new LocalizerSettings { Camera = camera, PsfSigmaNm = SigmaPx * PixelNm });
        var found = new List<Localization>();
        localizer.Localize(frames.Take(70).ToList(), found);
        localizer.Localize(frames.Skip(70).ToList(), found);

        Assert.Equal(Frames, found.Count);
        Assert.Equal(Enumerable.Range(1000, Frames), found.Select(l => l.Frame));
        double biasX = found.Select((l, k) => l.XNm - (truth[k].XPx * PixelNm)).Average();
        double biasY = found.Select((l, k) => l.YNm - (truth[k].YPx * PixelNm)).Average();
        Assert.InRange(biasX, -1.5, 1.5);
        Assert.InRange(biasY, -1.5, 1.5);
        Assert.InRange(found.Average(l => l.Photons) / Photons, 0.97, 1.03);
        Assert.InRange(found.Average(l => l.BackgroundPhotons) / Background, 0.97, 1.03);
        Assert.InRange(found.Average(l => l.SigmaXNm) / (SigmaPx * PixelNm), 0.97, 1.03);
        Assert.All(found, l =>
        {
            Assert.True(float.IsNaN(l.ZNm));
            Assert.True(l.UncertaintyXNm is > 2 and < 10);
            Assert.True(l.Iterations > 0);
            Assert.False(l.Flags.HasFlag(LocalizationFlags.AtBorder));
        });
    }

    [Fact]
    public void Localize_EmitterNearTheEdge_IsFittedInAShiftedRoiAndFlaggedAtBorder()
    {
        var rng = new Random(32);
        const int Frames = 60;
        var truth = Enumerable.Range(0, Frames).Select(f => new TrueEmitter(f, 1.6, 30.4, 3000)).ToList();
        List<Frame> frames = FrameImages.Render(rng, FrameImages.Scmos, Frames, 48, 48, truth, SigmaPx, 10);
        var localizer = new CpuLocalizer(new LocalizerSettings { Camera = FrameImages.Scmos, PsfSigmaNm = SigmaPx * PixelNm });
        var found = new List<Localization>();
        localizer.Localize(frames, found);

        Assert.True(found.Count >= 0.95 * Frames, $"{found.Count} of {Frames} found; detections {localizer.Detections}, rejections {string.Join(",", localizer.Rejections.ToDictionary())}, pairs {localizer.MultiEmitterFitsAttempted}/{localizer.MultiEmitterFitsAccepted}");
        Assert.All(found, l => Assert.True(l.Flags.HasFlag(LocalizationFlags.AtBorder)));
        Assert.InRange(found.Average(l => l.XNm) - 160, -3, 3);
        Assert.InRange(found.Average(l => l.YNm) - 3040, -3, 3);
    }

    [Fact]
    public void Localize_OneFrameAtATime_GivesWhatTheWholeBatchGives()
    {
        // One frame per call spreads that frame's fits over the cores; a batch spreads frames instead.
        var rng = new Random(33);
        List<TrueEmitter> truth = FrameImages.IsolatedEmitters(rng, 4, 150, 160, 160, 1500, 9);
        List<Frame> frames = FrameImages.Render(rng, FrameImages.Scmos, 4, 160, 160, truth, SigmaPx, 10);
        var settings = new LocalizerSettings { Camera = FrameImages.Scmos, PsfSigmaNm = SigmaPx * PixelNm };
        var batched = new List<Localization>();
        var batchLocalizer = new CpuLocalizer(settings);
        batchLocalizer.Localize(Enumerable.Repeat(frames, Environment.ProcessorCount).SelectMany(f => f).Take(Math.Max(4, Environment.ProcessorCount)).ToList(), batched);
        var single = new List<Localization>();
        var singleLocalizer = new CpuLocalizer(settings);
        foreach (Frame frame in frames)
        {
            singleLocalizer.Localize([frame], single);
        }

        Assert.True(single.Count >= 0.99 * truth.Count, $"{single.Count} of {truth.Count}");
        Assert.Equal(batched.Take(single.Count), single);
        Assert.Equal(truth.Count, FrameImages.Match(truth, single, PixelNm, 1.5).Count, (double)truth.Count * 0.01);
    }

    [Theory]
    [InlineData("psfSigmaNm")]
    [InlineData("roiSizePx")]
    [InlineData("detectionThresholdFactor")]
    [InlineData("temporalWindowFrames")]
    [InlineData("minPhotons")]
    [InlineData("maxIterations")]
    [InlineData("pixelSizeNm")]
    public void Settings_OutOfRange_ThrowArgumentExceptionNamingTheField(string field)
    {
        LocalizerSettings bad = field switch
        {
            "psfSigmaNm" => new LocalizerSettings { PsfSigmaNm = -5 },
            "roiSizePx" => new LocalizerSettings { RoiSizePx = 8 },
            "detectionThresholdFactor" => new LocalizerSettings { DetectionThresholdFactor = 0 },
            "temporalWindowFrames" => new LocalizerSettings { TemporalWindowFrames = 1 },
            "minPhotons" => new LocalizerSettings { MinPhotons = -1 },
            "maxIterations" => new LocalizerSettings { MaxIterations = 0 },
            _ => new LocalizerSettings { Camera = new CameraModel { PixelSizeNm = 0 } },
        };

        var ex = Assert.ThrowsAny<ArgumentException>(() => new CpuLocalizer(bad));
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.Equal(field == "pixelSizeNm" ? "localizer.camera.pixelSizeNm" : "localizer." + field, Assert.IsType<SettingException>(ex).Path);
        Assert.Contains("allowed", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.3, 9)]  // 2·ceil(3.9)+1
    [InlineData(1.0, 7)]  // 2·ceil(3.0)+1
    [InlineData(0.5, 5)]  // 2·ceil(1.5)+1 = 5
    [InlineData(3.0, 15)] // 19, clipped to 15
    public void Settings_AutomaticRoi_Is2Ceil3SigmaPlus1ClippedTo5Through15(double sigmaPx, int expected)
    {
        Assert.Equal(expected, new LocalizerSettings { PsfSigmaNm = sigmaPx * 100 }.EffectiveRoiSizePx);
    }
}
