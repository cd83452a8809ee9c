using System.Numerics;
using System.Runtime.InteropServices;
using LiveSmlm.Core;
using LiveSmlm.Simulation;
using Xunit.Abstractions;

namespace LiveSmlm.Reconstruction.Tests.Resolution;

public sealed class FrcTests
{
    private readonly ITestOutputHelper _output;

    public FrcTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Frc_OfSimulatedMicrotubules_AgreesWithANaiveDftComputedHere()
    {
        const double fieldNm = 1280, pixelNm = 10;
        const int blockFrames = 200, side = 128;
        List<Localization> locs = Microtubules(fieldNm, frames: 3000, perFrame: 1, precisionNm: 15, seed: 21);
        var monitor = new FrcResolutionMonitor(new FrcOptions { WidthNm = fieldNm, HeightNm = fieldNm, PixelNm = pixelNm, BlockFrames = blockFrames });
        monitor.Add(CollectionsMarshal.AsSpan(locs));

        FrcCurve curve = monitor.Compute();

        // Independent route: own histograms, a direct (row then column) DFT in double precision, own rings.
        var a = new double[side, side];
        var b = new double[side, side];
        foreach (Localization l in locs)
        {
            int i = (int)Math.Floor(l.XNm / pixelNm), j = (int)Math.Floor(l.YNm / pixelNm);
            if (i >= 0 && i < side && j >= 0 && j < side)
            {
                (((l.Frame / blockFrames) & 1) == 0 ? a : b)[j, i]++;
            }
        }

        Complex[,] fa = NaiveDft(a), fb = NaiveDft(b);
        int rings = (side / 2) + 1;
        var num = new double[rings];
        var pa = new double[rings];
        var pb = new double[rings];
        for (int v = 0; v < side; v++)
        {
            for (int u = 0; u < side; u++)
            {
                double ku = u <= side / 2 ? u : u - side, kv = v <= side / 2 ? v : v - side;
                int r = (int)Math.Round(Math.Sqrt((ku * ku) + (kv * kv)));
                if (r < rings)
                {
                    num[r] += (fa[v, u] * Complex.Conjugate(fb[v, u])).Real;
                    pa[r] += fa[v, u].Magnitude * fa[v, u].Magnitude;
                    pb[r] += fb[v, u].Magnitude * fb[v, u].Magnitude;
                }
            }
        }

        var expected = Enumerable.Range(0, rings).Select(r => num[r] / Math.Sqrt(pa[r] * pb[r])).ToArray();
        for (int r = 0; r < rings; r++)
        {
            Assert.Equal(expected[r], curve.Raw[r], 3);
            Assert.Equal(r / (side * pixelNm), curve.FrequencyPerNm[r], 12);
        }

        // The resolution from the same curve: running mean over ±2 rings (ring 0 left out), first drop below 1/7.
        double expectedResolution = double.NaN;
        for (int r = 1; r < rings; r++)
        {
            double s = Mean(expected, r), s0 = r == 1 ? expected[0] : Mean(expected, r - 1);
            if (s < 1.0 / 7)
            {
                double rc = (r - 1) + ((s0 - (1.0 / 7)) / (s0 - s));
                expectedResolution = side * pixelNm / rc;
                break;
            }
        }

        _output.WriteLine($"FRC resolution {curve.ResolutionNm:F1} nm, direct DFT {expectedResolution:F1} nm, {locs.Count} localizations");
        Assert.True(curve.IsResolved);
        Assert.Equal(expectedResolution, curve.ResolutionNm, expectedResolution * 1e-3);
        Assert.InRange(curve.ResolutionNm, 20, 400);
    }

    [Fact]
    public void Frc_Resolution_ImprovesAsLocalizationsAccumulate()
    {
        List<Localization> locs = Microtubules(2560, frames: 8000, perFrame: 10, precisionNm: 10, seed: 22);
        var monitor = new FrcResolutionMonitor(new FrcOptions { WidthNm = 2560, HeightNm = 2560, PixelNm = 10, BlockFrames = 250 });
        var span = CollectionsMarshal.AsSpan(locs);
        var resolutions = new List<double>();
        foreach (int end in new[] { locs.Count / 16, locs.Count / 4, locs.Count })
        {
            monitor.Add(span[(int)monitor.LocalizationCount..end]);
            resolutions.Add(monitor.Compute().ResolutionNm);
        }

        _output.WriteLine(string.Join(", ", resolutions.Select(r => $"{r:F1} nm")));
        Assert.All(resolutions, r => Assert.True(double.IsFinite(r)));
        Assert.True(resolutions[0] > resolutions[1] && resolutions[1] > resolutions[2], string.Join(", ", resolutions));
        Assert.Equal(3, monitor.History.Count);
        Assert.False(monitor.HasStoppedImproving(minImprovementNm: 1, overFrames: 4000));
    }

    [Fact]
    public void Frc_IdenticalHalves_CorrelateFullyAndNeverCross()
    {
        var image = new float[32 * 32];
        var rng = new Xoshiro256(3);
        for (int k = 0; k < image.Length; k++)
        {
            image[k] = (float)rng.NextDouble();
        }

        FrcCurve curve = FourierRingCorrelation.Compute(image, image, 32, 10);

        Assert.All(curve.Raw, v => Assert.Equal(1, v, 5));
        Assert.False(curve.IsResolved);
    }

    private static double Mean(double[] v, int r)
    {
        int lo = Math.Max(1, r - 2), hi = Math.Min(v.Length - 1, r + 2);
        return v[lo..(hi + 1)].Average();
    }

    private static Complex[,] NaiveDft(double[,] image)
    {
        int n = image.GetLength(0);
        var twiddle = Enumerable.Range(0, n).Select(m => Complex.FromPolarCoordinates(1, -2 * Math.PI * m / n)).ToArray();
        var rows = new Complex[n, n];
        for (int y = 0; y < n; y++)
        {
            for (int u = 0; u < n; u++)
            {
                Complex s = 0;
                for (int x = 0; x < n; x++)
                {
                    s += image[y, x] * twiddle[u * x % n];
                }

                rows[y, u] = s;
            }
        }

        var result = new Complex[n, n];
        for (int u = 0; u < n; u++)
        {
            for (int v = 0; v < n; v++)
            {
                Complex s = 0;
                for (int y = 0; y < n; y++)
                {
                    s += rows[y, u] * twiddle[v * y % n];
                }

                result[v, u] = s;
            }
        }

        return result;
    }

    // Microtubule labels (the simulator's worm-like chains) over a small square field; each frame some labels
    // are localized with a Gaussian error.
    private static List<Localization> Microtubules(double fieldNm, int frames, int perFrame, double precisionNm, ulong seed)
    {
        var sample = new SampleSettings
        {
            Structure = SampleStructure.Microtubules,
            Microtubules = new MicrotubuleSettings { Count = (int)Math.Ceiling(fieldNm / 250), LengthNm = 2 * fieldNm, LabelsPerUm = 100 },
            LinkageErrorNm = 5,
        };
        var rng = new Xoshiro256(seed);
        List<SampleLabel> labels = SampleGenerator.Generate(sample, fieldNm, fieldNm, ref rng);
        var locs = new List<Localization>(frames * perFrame);
        for (int f = 0; f < frames; f++)
        {
            for (int k = 0; k < perFrame; k++)
            {
                SampleLabel l = labels[(int)(rng.NextDouble() * labels.Count)];
                locs.Add(Localization.Create(
                    f,
                    (float)(l.XNm + (precisionNm * RandomDistributions.StandardNormal(ref rng))),
                    (float)(l.YNm + (precisionNm * RandomDistributions.StandardNormal(ref rng))),
                    3000));
            }
        }

        return locs;
    }
}
