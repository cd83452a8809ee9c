using LiveSmlm.Core;

namespace LiveSmlm.Localization.Gpu.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The GPU engine's contract, run on every accelerator ILGPU finds: the derived classes say which.
/// A derived class whose device is absent reports its tests as skipped (<see cref="Open"/>), never as
/// passed; the CPU accelerator is always present.
/// </summary>
public abstract partial class AcceleratorTests
{
    /// <summary>A localizer on this class's accelerator; only called when <see cref="DeviceIsPresent"/>.</summary>
    protected abstract GpuLocalizer Create(LocalizerSettings settings, int framesPerLaunch);

    /// <summary>Whether this class's accelerator exists on the machine.</summary>
    protected abstract bool DeviceIsPresent { get; }

    /// <summary>The accelerator's name in skip messages.</summary>
    protected abstract string AcceleratorName { get; }

    /// <summary>Skips the calling test (reported as skipped) when this class's accelerator is absent.</summary>
    protected void SkipUnlessPresent() =>
        Skip.IfNot(DeviceIsPresent, $"no {AcceleratorName} device on this machine: the test needs one and did not run");

    /// <summary>A localizer on this class's accelerator; skips the calling test when the machine has none.</summary>
    protected GpuLocalizer Open(LocalizerSettings settings, int framesPerLaunch)
    {
        SkipUnlessPresent();
        return Create(settings, framesPerLaunch);
    }

    private const int RoiSize = 7;
    private const double SigmaPx = 1.3;

    [SkippableFact]
    public void FitBatch_IsolatedSpots_ErrorsMatchTheirCrlb()
    {
        var truth = new List<(double X, double Y)>();
        const int Count = 300;
        float[] rois = TestFrames.Rois(new Random(21), Count, RoiSize, SigmaPx, 1000, 10, truth);
        using GpuLocalizer gpu = Open(new LocalizerSettings(), 1);

        var results = new FitResult[Count];
        int accepted = gpu.FitBatch(rois, RoiSize, Count, FitOptions.Create((float)SigmaPx), results);

        Assert.Equal(results.Count(r => r.Status == FitStatus.Ok), accepted);
        Assert.True(accepted >= Count - 3, $"only {accepted} of {Count} clean 1000-photon spots accepted");

        // z = error / √CRLB: an efficient unbiased estimator gives mean ≈ 0 and std ≈ 1 (with 300 fits
        // the std of the std is ≈ 4 %, of the mean ≈ 0.06).
        var z = new List<double>();
        for (int r = 0; r < Count; r++)
        {
            if (results[r].Status == FitStatus.Ok)
            {
                z.Add((results[r].X - truth[r].X) / Math.Sqrt(results[r].CrlbX));
                z.Add((results[r].Y - truth[r].Y) / Math.Sqrt(results[r].CrlbY));
            }
        }

        double mean = z.Average(), std = Math.Sqrt(z.Sum(v => (v - mean) * (v - mean)) / (z.Count - 1));
        Assert.InRange(mean, -0.2, 0.2);
        Assert.InRange(std, 0.85, 1.2);
    }

    [SkippableFact]
    public void FitBatch_SameRois_GivesTheCpuEnginesFits()
    {
        var truth = new List<(double X, double Y)>();
        const int Count = 200;
        float[] rois = TestFrames.Rois(new Random(5), Count, RoiSize, SigmaPx, 500, 20, truth);
        using GpuLocalizer gpu = Open(new LocalizerSettings(), 1);

        FitOptions options = FitOptions.Create((float)SigmaPx);
        var onDevice = new FitResult[Count];
        var onCpu = new FitResult[Count];
        int acceptedDevice = gpu.FitBatch(rois, RoiSize, Count, options, onDevice);
        int acceptedCpu = CpuLocalizer.FitBatch(rois, RoiSize, Count, options, onCpu);

        Assert.Equal(acceptedCpu, acceptedDevice);
        for (int r = 0; r < Count; r++)
        {
            Assert.Equal(onCpu[r].Status, onDevice[r].Status);
            Assert.Equal(onCpu[r].X, onDevice[r].X, 1e-3);
            Assert.Equal(onCpu[r].Y, onDevice[r].Y, 1e-3);
            Assert.Equal(onCpu[r].Photons, onDevice[r].Photons, 1e-3 * onCpu[r].Photons);
            Assert.Equal(onCpu[r].CrlbX, onDevice[r].CrlbX, 1e-3 * onCpu[r].CrlbX);
        }
    }

    [SkippableFact]
    public void SearchBatch_PairsAndTriples_GiveTheCpuSearchesGroups()
    {
        // Pairs 1.5–2.5 σ apart and some triples in 9 × 9 ROIs on sCMOS-like read variance: the device runs
        // the search kernel, the CPU the same static method; both must find the same emitters.
        const int Roi = 9, Count = 60;
        var rng = new Random(13);
        var rois = new float[Count * Roi * Roi];
        var variance = new float[rois.Length];
        var singles = new FitResult[Count];
        FitOptions options = FitOptions.Create((float)SigmaPx);
        options.MinPhotoelectrons = 50;
        MultiEmitterOptions search = MultiEmitterOptions.Create(3, 3e-4, Roi);
        for (int r = 0; r < Count; r++)
        {
            var truth = new List<(double X, double Y)>();
            float[] one = TestFrames.Rois(rng, 1, Roi, SigmaPx, 1500, 10, truth);
            double angle = rng.NextDouble() * Math.PI, d = (1.5 + rng.NextDouble()) * SigmaPx;
            var extra = new double[Roi * Roi];
            TestFrames.AddSpot(extra, Roi, Roi, truth[0].X + (d * Math.Cos(angle)), truth[0].Y + (d * Math.Sin(angle)), SigmaPx, 1500);
            if (r % 3 == 0)
            {
                TestFrames.AddSpot(extra, Roi, Roi, truth[0].X - (d * Math.Sin(angle)), truth[0].Y + (d * Math.Cos(angle)), SigmaPx, 1500);
            }

            for (int k = 0; k < extra.Length; k++)
            {
                rois[(r * extra.Length) + k] = one[k] + MathNet.Numerics.Distributions.Poisson.Sample(rng, Math.Max(extra[k], 1e-9));
                variance[(r * extra.Length) + k] = 1f;
            }

            singles[r] = GaussianMle.Fit(new ArrayPixels(rois, r * Roi * Roi), new ArrayPixels(variance, r * Roi * Roi), Roi, options);
        }

        using GpuLocalizer gpu = Open(new LocalizerSettings(), 1);
        var onDevice = new MultiEmitterResult[Count];
        gpu.SearchBatch(rois, variance, Roi, singles, options, search, onDevice);

        int groups = 0;
        for (int r = 0; r < Count; r++)
        {
            MultiEmitterResult cpu = MultiEmitterSearch.Search(
                new ArrayPixels(rois, r * Roi * Roi), new ArrayPixels(variance, r * Roi * Roi), Roi, options, search, singles[r], out _, out _, out _);
            Assert.Equal(cpu.Emitters, onDevice[r].Emitters);
            groups += cpu.Emitters > 1 ? 1 : 0;
            for (int k = 0; k < cpu.Emitters && cpu.Emitters > 1; k++)
            {
                Assert.Equal(cpu.X(k), onDevice[r].X(k), 1e-3);
                Assert.Equal(cpu.Y(k), onDevice[r].Y(k), 1e-3);
                Assert.Equal(cpu.Photons(k), onDevice[r].Photons(k), 1e-3 * cpu.Photons(k));
                Assert.Equal(cpu.CrlbX(k), onDevice[r].CrlbX(k), 1e-3 * cpu.CrlbX(k));
            }
        }

        // The test is about groups: most of these ROIs hold two or three emitters.
        Assert.True(groups >= Count * 0.8, $"only {groups} of {Count} ROIs became groups");
    }

    [SkippableFact]
    public void FitBatch_RoiSizeOutOfRange_ThrowsNamingRoiSize()
    {
        using GpuLocalizer gpu = Open(new LocalizerSettings(), 1);

        var e = Assert.Throws<ArgumentException>(() => gpu.FitBatch(new float[4], 2, 1, FitOptions.Create(1f), new FitResult[1]));
        Assert.Equal("roiSize", e.ParamName);
        Assert.Contains("[3, 15]", e.Message, StringComparison.Ordinal);
        var tooFew = Assert.Throws<ArgumentException>(() => gpu.FitBatch(new float[49], 7, 2, FitOptions.Create(1f), new FitResult[2]));
        Assert.Equal("count", tooFew.ParamName);
    }
}
