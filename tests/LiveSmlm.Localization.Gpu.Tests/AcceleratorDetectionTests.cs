using LiveSmlm.Core;

namespace LiveSmlm.Localization.Gpu.Tests;

/// <summary>
/// Detection on the device gives exactly the candidates of the CPU detection stages (BSplineWavelet,
/// DetectionNoise, PeakFinder), recomputed here step by step from their public static methods.
/// </summary>
public abstract partial class AcceleratorTests
{
    // FrameWorkspace's suppression radius: 1.5 σ, rounded, at least one pixel.
    private const double SuppressionRadiusInSigma = 1.5;

    // 64²: whole 16-px tiles; 50 × 37: partial tiles on the right and bottom edges.
    [SkippableTheory]
    [InlineData(64, 64)]
    [InlineData(50, 37)]
    public void DetectCandidates_SimulatedFrames_EqualPeakFindersListsIncludingEdgeSpots(int width, int height)
    {
        var rng = new Random(17);
        CameraModel camera = TestFrames.Scmos;
        const int Frames = 3;
        List<TrueEmitter> truth = TestFrames.IsolatedEmitters(rng, Frames, 8, width, height, 800, 7);

        // Two spots on the image edge, where the mirrored filter peaks on the border pixels.
        truth.Add(new TrueEmitter(0, 0.4, 30.2, 1500));
        truth.Add(new TrueEmitter(1, 40.7, height - 0.3, 1500));
        List<Frame> frames = TestFrames.Render(rng, camera, Frames, width, height, truth, 1.3, 20);
        var settings = new LocalizerSettings { Camera = camera, PsfSigmaNm = 130 };
        using GpuLocalizer gpu = Open(settings, Frames);

        List<Candidate>[] onDevice = gpu.DetectCandidates(frames);

        int radius = Math.Max(1, (int)Math.Round(SuppressionRadiusInSigma * settings.PsfSigmaPx));
        for (int f = 0; f < Frames; f++)
        {
            List<Candidate> expected = CpuCandidates(frames[f], camera, DetectionNoise.For(settings, (float)camera.ReadVariancePhotoelectronsAt(0)), radius);
            Assert.True(expected.Count >= 8, $"frame {f}: only {expected.Count} candidates for 8+ emitters");
            Assert.Equal(expected, onDevice[f]);
        }

        Assert.Contains(onDevice[0], c => c.X <= 1 && Math.Abs(c.Y - 30) <= 1);
    }

    private static List<Candidate> CpuCandidates(Frame frame, CameraModel camera, DetectionNoise noise, int radius)
    {
        int n = frame.PixelCount;
        float[] electrons = new float[n], v1 = new float[n], v2 = new float[n], scratch = new float[n], thresholds = new float[n];
        camera.ToPhotoelectrons(frame.Span, electrons);
        BSplineWavelet.Smooth(electrons, v1, scratch, frame.Width, frame.Height, 1);
        BSplineWavelet.Smooth(v1, v2, scratch, frame.Width, frame.Height, 2);
        for (int i = 0; i < n; i++)
        {
            thresholds[i] = noise.At(v2[i], noise.ConstantVariance);
            v2[i] = v1[i] - v2[i];
        }

        var candidates = new List<Candidate>();
        PeakFinder.Find(v2, thresholds, frame.Width, frame.Height, radius, candidates);
        return candidates;
    }
}
