using System.Globalization;
using System.Text.Json;

namespace LiveSmlm.Cli.Tests;

/// <summary>
/// Each `analyze` option that changes results takes effect, by the amount the camera model or the
/// Cramér–Rao bound (computed here, independently of the engine) predicts.
/// </summary>
public class AnalyzeOptionTests
{
    private const int Size = 40;
    private const int FrameCount = 2;
    private const double PixelNm = 100;
    private const double SigmaPx = 1.3;
    private const double Photons = 3000;
    private const double Background = 10;

    private static readonly DrawCamera Camera = new(BaselineAdu: 100, ElectronsPerAdu: 0.5, EmGain: 1, QuantumEfficiency: 0.8);

    public static TheoryData<string, string, double, double> CameraCases => new()
    {
        // option, value, × photons (and background), × uncertainty, as the camera model predicts from the
        // reference camera (0.5 e⁻/ADU, EM gain 1, QE 0.8): photons = (ADU − baseline) · e⁻/ADU / emGain / QE,
        // and CRLB ∝ F² / photoelectrons with F² = 2 for an EMCCD (Mortensen et al. 2010).
        { "--qe", "0.4", 2, 1 },
        { "--electrons-per-adu", "1", 2, 1 / Math.Sqrt(2) },
        { "--em-gain", "4", 0.25, Math.Sqrt(4) * Math.Sqrt(2) },
    };

    [Theory]
    [MemberData(nameof(CameraCases))]
    public void CameraOption_ScalesPhotonsAndUncertainty_AsTheCameraModelPredicts(string option, string value, double photonFactor, double uncertaintyFactor)
    {
        using var tmp = new TempDir();
        var truth = DrawStack(tmp, noiseSeed: 5);
        List<CsvLoc> reference = Analyze(tmp, "reference", Camera.Options(PixelNm));
        List<CsvLoc> changed = Analyze(tmp, "changed", [.. Camera.Options(PixelNm), option, value]);

        // The reference run recovers the drawn photons and background (noise: ≈ 1 % on the mean of 18 spots).
        Assert.Equal(truth.Count, reference.Count);
        Assert.InRange(reference.Average(l => l.Photons), 0.97 * Photons, 1.03 * Photons);
        Assert.InRange(reference.Average(l => l.BackgroundPhotons), 0.95 * Background, 1.05 * Background);

        Assert.Equal(reference.Count, changed.Count);
        foreach (var (r, c) in Pair(reference, changed))
        {
            Assert.True(Math.Abs(c.XNm - r.XNm) < 0.05 && Math.Abs(c.YNm - r.YNm) < 0.05, $"{option} moved a localization: {r} → {c}");
            Assert.InRange(c.Photons / r.Photons, 0.999 * photonFactor, 1.001 * photonFactor);
            Assert.InRange(c.UncertaintyNm / r.UncertaintyNm, 0.995 * uncertaintyFactor, 1.005 * uncertaintyFactor);
            Assert.InRange(c.BackgroundPhotons / r.BackgroundPhotons, 0.999 * photonFactor, 1.001 * photonFactor);
        }
    }

    [Fact]
    public void BaselineAdu_LowersTheBackgroundByTheOffsetInPhotons()
    {
        using var tmp = new TempDir();
        var truth = DrawStack(tmp, noiseSeed: 6);
        List<CsvLoc> changed = Analyze(tmp, "changed", [.. Camera.Options(PixelNm), "--baseline-adu", "110"]);

        // 10 ADU more offset = 10 · 0.5 e⁻/ADU / 0.8 QE = 6.25 photons/px less background; the spots stay.
        double expected = Background - (10 * Camera.ElectronsPerAdu / Camera.QuantumEfficiency);
        Assert.Equal(truth.Count, changed.Count);
        Assert.InRange(changed.Average(l => l.BackgroundPhotons), expected - 0.5, expected + 0.5);
        Assert.InRange(changed.Average(l => l.Photons), 0.95 * Photons, 1.05 * Photons);
    }

    [Fact]
    public void PixelSizeNm_ScalesEveryCoordinateAndUncertainty()
    {
        using var tmp = new TempDir();
        var truth = DrawStack(tmp, noiseSeed: 7);
        List<CsvLoc> at100 = Analyze(tmp, "p100", [.. Camera.Options(100), "--psf-sigma-nm", "130"]);
        List<CsvLoc> at160 = Analyze(tmp, "p160", [.. Camera.Options(160), "--psf-sigma-nm", "208"]);

        // Against the drawn truth in each unit, and against each other.
        Assert.All(LocsCsv.Match(truth, at100, 100, radiusNm: 20), m => Assert.NotNull(m.Found));
        Assert.All(LocsCsv.Match(truth, at160, 160, radiusNm: 32), m => Assert.NotNull(m.Found));
        Assert.Equal(at100.Count, at160.Count);
        foreach (var (a, b) in at100.OrderBy(l => l.Frame).ThenBy(l => l.YNm).ThenBy(l => l.XNm).Zip(at160.OrderBy(l => l.Frame).ThenBy(l => l.YNm).ThenBy(l => l.XNm)))
        {
            Assert.Equal(a.XNm * 1.6, b.XNm, 0.05);
            Assert.Equal(a.YNm * 1.6, b.YNm, 0.05);
            Assert.Equal(a.SigmaNm * 1.6, b.SigmaNm, 0.05);
            Assert.Equal(a.UncertaintyNm * 1.6, b.UncertaintyNm, 0.01);
            Assert.Equal(a.Photons, b.Photons, 0.5);
        }
    }

    [Fact]
    public void Uncertainty_EqualsTheCramerRaoBound_AndReadNoiseRaisesItAsPredicted()
    {
        using var tmp = new TempDir();
        var truth = DrawStack(tmp, noiseSeed: 8);
        const double ReadNoise = 8; // e⁻ RMS: σ² = 64 e⁻² against 8 e⁻/px of background
        List<CsvLoc> plain = Analyze(tmp, "plain", Camera.Options(PixelNm));
        List<CsvLoc> noisy = Analyze(tmp, "noisy", [.. Camera.Options(PixelNm), "--read-noise-e", ReadNoise.ToString(CultureInfo.InvariantCulture)]);

        double electrons = Photons * Camera.QuantumEfficiency;
        double bgElectrons = Background * Camera.QuantumEfficiency;
        var predicted0 = new List<double>();
        var predicted3 = new List<double>();
        foreach (DrawnEmitter e in truth)
        {
            predicted0.Add(Crlb.LateralNm(e.XPx, e.YPx, SigmaPx, electrons, bgElectrons, readVariance: 0, PixelNm));
            predicted3.Add(Crlb.LateralNm(e.XPx, e.YPx, SigmaPx, electrons, bgElectrons, readVariance: ReadNoise * ReadNoise, PixelNm));
        }

        var found0 = LocsCsv.Match(truth, plain, PixelNm, 25);
        var found3 = LocsCsv.Match(truth, noisy, PixelNm, 25);
        Assert.All(found0, m => Assert.NotNull(m.Found));
        Assert.All(found3, m => Assert.NotNull(m.Found));

        // Reported √CRLB at the fitted parameters vs the bound at the truth: equal to a few per cent.
        double reported0 = found0.Average(m => m.Found!.UncertaintyNm);
        double reported3 = found3.Average(m => m.Found!.UncertaintyNm);
        Assert.InRange(reported0 / predicted0.Average(), 0.95, 1.05);
        Assert.InRange(reported3 / predicted3.Average(), 0.95, 1.05);
        Assert.True(predicted3.Average() / predicted0.Average() > 1.1, "the case must be sensitive to read noise");
        Assert.InRange((reported3 / reported0) / (predicted3.Average() / predicted0.Average()), 0.98, 1.02);
    }

    [Fact]
    public void FixedSigma_HoldsPsfSigmaNm_WhileTheFreeFitFindsTheDrawnWidth()
    {
        using var tmp = new TempDir();
        DrawStack(tmp, noiseSeed: 9);
        List<CsvLoc> fixedAt110 = Analyze(tmp, "fixed", [.. Camera.Options(PixelNm), "--psf-sigma-nm", "110", "--fixed-sigma"]);
        List<CsvLoc> free = Analyze(tmp, "free", [.. Camera.Options(PixelNm), "--psf-sigma-nm", "110"]);

        Assert.NotEmpty(fixedAt110);
        Assert.All(fixedAt110, l => Assert.Equal(110, l.SigmaNm, 0.01));
        Assert.NotEmpty(free);
        Assert.InRange(free.Average(l => l.SigmaNm), 0.97 * SigmaPx * PixelNm, 1.03 * SigmaPx * PixelNm);
    }

    [Fact]
    public void Threshold_KeepsBrightSpotsAndDropsDimOnes()
    {
        using var tmp = new TempDir();
        var bright = SpotStacks.Grid(Size, Size, FrameCount, photons: 5000, spacingPx: 24);
        var dim = SpotStacks.Grid(Size, Size, FrameCount, photons: 250, spacingPx: 24, marginPx: 19);
        var frames = SpotStacks.Draw(Size, Size, FrameCount, [.. bright, .. dim], Camera, SigmaPx, Background, noiseSeed: 10);
        SpotStacks.WriteTiff(tmp.File("stack.ome.tif"), frames, PixelNm);

        List<CsvLoc> low = Analyze(tmp, "low", [.. Camera.Options(PixelNm), "--threshold", "1"]);
        // The threshold is in units of the noise at the pixel's local mean, the spot's own light included:
        // at 10, a 5000-photon spot's W2 peak (≈ 140 e⁻) stays above it (≈ 90 e⁻), a 250-photon one's (≈ 7 e⁻) does not (≈ 32 e⁻).
        List<CsvLoc> high = Analyze(tmp, "high", [.. Camera.Options(PixelNm), "--threshold", "10"]);

        Assert.All(LocsCsv.Match([.. bright, .. dim], low, PixelNm, 40), m => Assert.NotNull(m.Found));
        Assert.All(LocsCsv.Match(bright, high, PixelNm, 40), m => Assert.NotNull(m.Found));
        Assert.All(LocsCsv.Match(dim, high, PixelNm, 40), m => Assert.Null(m.Found));
    }

    [Fact]
    public void TemporalBackground_RemovesAStaticSpotButKeepsBlinkingOnes()
    {
        using var tmp = new TempDir();
        const int Frames = 8;
        var emitters = new List<DrawnEmitter>();
        for (int t = 0; t < Frames; t++)
        {
            emitters.Add(new DrawnEmitter(t, 10.4, 10.6, 3000)); // on in every frame: a fixed feature of the background
            emitters.Add(new DrawnEmitter(t, 32.3 - (t % 3 * 9), 29.2, 3000)); // hops 9 px each frame, back every third: never background
        }

        var frames = SpotStacks.Draw(Size, Size, Frames, emitters, Camera, SigmaPx, Background, noiseSeed: 11);
        SpotStacks.WriteTiff(tmp.File("stack.ome.tif"), frames, PixelNm);
        List<CsvLoc> wavelet = Analyze(tmp, "wavelet", Camera.Options(PixelNm));
        List<CsvLoc> temporal = Analyze(tmp, "temporal", [.. Camera.Options(PixelNm), "--temporal-background"]);

        var staticSpot = emitters.Where(e => e.XPx == 10.4).ToList();
        var moving = emitters.Where(e => e.XPx != 10.4).ToList();
        Assert.All(LocsCsv.Match(staticSpot, wavelet, PixelNm, 30), m => Assert.NotNull(m.Found));
        Assert.All(LocsCsv.Match(moving, wavelet, PixelNm, 30), m => Assert.NotNull(m.Found));
        Assert.All(LocsCsv.Match(staticSpot, temporal, PixelNm, 100), m => Assert.Null(m.Found));

        // Once the window holds 3 frames, the moving spot lights each pixel in 1 of 3 of them, below the median: found.
        Assert.All(LocsCsv.Match(moving.Where(e => e.Frame >= 3).ToList(), temporal, PixelNm, 30), m => Assert.NotNull(m.Found));
    }

    [Fact]
    public void Engine_IlgpuCpu_IsNamedInTheSummaryAndGivesTheCpuLocalizations()
    {
        using var tmp = new TempDir();
        DrawStack(tmp, noiseSeed: 12, frames: 1); // one frame: ILGPU's CPU accelerator is slow
        List<CsvLoc> cpu = Analyze(tmp, "cpu", [.. Camera.Options(PixelNm), "--engine", "cpu"]);
        List<CsvLoc> ilgpu = Analyze(tmp, "ilgpu", [.. Camera.Options(PixelNm), "--engine", "ilgpu-cpu"]);

        using var summary = JsonDocument.Parse(File.ReadAllText(tmp.File("ilgpu/summary.json")));
        Assert.Equal("ilgpu-cpu", summary.RootElement.GetProperty("engine").GetString());
        Assert.Equal(cpu.Count, ilgpu.Count);
        foreach (var (a, b) in Pair(cpu, ilgpu))
        {
            Assert.Equal(a.XNm, b.XNm, 0.1);
            Assert.Equal(a.YNm, b.YNm, 0.1);
            Assert.Equal(a.Photons, b.Photons, a.Photons * 1e-3);
        }
    }

    [Fact]
    public void BatchFrames_DoesNotChangeTheLocalizations()
    {
        using var tmp = new TempDir();
        DrawStack(tmp, noiseSeed: 13);
        Analyze(tmp, "one", [.. Camera.Options(PixelNm), "--batch-frames", "1"]);
        Analyze(tmp, "many", [.. Camera.Options(PixelNm), "--batch-frames", "64"]);
        Assert.Equal(File.ReadAllText(tmp.File("one/locs.csv")), File.ReadAllText(tmp.File("many/locs.csv")));
    }

    [Theory]
    [InlineData(10, 400)]
    [InlineData(25, 160)]
    public void RenderPixelNm_SetsTheSizeOfRenderPng(double renderNm, int expectedSide)
    {
        using var tmp = new TempDir();
        DrawStack(tmp, noiseSeed: 14);
        Analyze(tmp, "out", [.. Camera.Options(PixelNm), "--render-pixel-nm", renderNm.ToString(CultureInfo.InvariantCulture)]);

        // 40 px × 100 nm = 4000 nm; read IHDR from the bytes: width and height are big-endian at 16 and 20.
        byte[] png = File.ReadAllBytes(tmp.File("out/render.png"));
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(expectedSide, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(expectedSide, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    [Fact]
    public void Profile_GivesTheCamera_AndAnOptionOverridesItsField()
    {
        using var tmp = new TempDir();
        DrawStack(tmp, noiseSeed: 15);
        string profile = File.ReadAllText(CliRunner.RepoFile("hardware-profiles", "simulated-storm.json"))
            .Replace("\"electronsPerAdu\": 0.46", "\"electronsPerAdu\": 0.5", StringComparison.Ordinal)
            .Replace("\"quantumEfficiency\": 0.72", "\"quantumEfficiency\": 0.8", StringComparison.Ordinal)
            .Replace("\"readNoiseElectrons\": 1.6", "\"readNoiseElectrons\": 0", StringComparison.Ordinal);
        File.WriteAllText(tmp.File("rig.json"), profile);

        List<CsvLoc> options = Analyze(tmp, "options", [.. Camera.Options(PixelNm), "--psf-sigma-nm", "130"]);
        List<CsvLoc> rig = Analyze(tmp, "rig", ["--profile", tmp.File("rig.json"), "--psf-sigma-nm", "130"]);
        List<CsvLoc> overridden = Analyze(tmp, "override", ["--profile", tmp.File("rig.json"), "--psf-sigma-nm", "130", "--qe", "0.4"]);

        Assert.Equal(File.ReadAllText(tmp.File("options/locs.csv")), File.ReadAllText(tmp.File("rig/locs.csv")));
        Assert.Equal(options.Count, overridden.Count);
        foreach (var (a, b) in Pair(options, overridden))
        {
            Assert.InRange(b.Photons / a.Photons, 1.998, 2.002);
        }
    }

    [Fact]
    public void MultiEmitter_OnSeparatesClosePairs_OffOrTheProfileSectionFitsOneEach()
    {
        // Pairs 1.5 σ apart (2,000 photons each): one spot for detection (the second maximum is within
        // the suppression radius), two emitters for the multi-emitter search (PairSeparationTests: recall 1).
        using var tmp = new TempDir();
        const double HalfSeparationPx = 0.75 * SigmaPx;
        var truth = new List<DrawnEmitter>();
        foreach (DrawnEmitter centre in SpotStacks.Grid(Size, Size, FrameCount, Photons, spacingPx: 14))
        {
            truth.Add(centre with { XPx = centre.XPx - HalfSeparationPx, Photons = 2000 });
            truth.Add(centre with { XPx = centre.XPx + HalfSeparationPx, Photons = 2000 });
        }

        var stack = SpotStacks.Draw(Size, Size, FrameCount, truth, Camera, SigmaPx, Background, noiseSeed: 16);
        SpotStacks.WriteTiff(tmp.File("stack.ome.tif"), stack, PixelNm);
        string profile = File.ReadAllText(CliRunner.RepoFile("hardware-profiles", "simulated-storm.json"))
            .Replace("\"name\": \"simulated-storm\",", "\"name\": \"simulated-storm\", \"analysis\": { \"multiEmitter\": false },", StringComparison.Ordinal);
        File.WriteAllText(tmp.File("rig.json"), profile);

        List<CsvLoc> on = Analyze(tmp, "on", [.. Camera.Options(PixelNm), "--psf-sigma-nm", "130", "--max-emitters", "2", "--multi-emitter-alpha", "1e-4"]);
        List<CsvLoc> off = Analyze(tmp, "off", [.. Camera.Options(PixelNm), "--psf-sigma-nm", "130", "--multi-emitter", "off"]);
        List<CsvLoc> rig = Analyze(tmp, "rig", ["--profile", tmp.File("rig.json"), .. Camera.Options(PixelNm), "--psf-sigma-nm", "130"]);
        List<CsvLoc> rigOn = Analyze(tmp, "rig-on", ["--profile", tmp.File("rig.json"), .. Camera.Options(PixelNm), "--psf-sigma-nm", "130", "--multi-emitter", "on"]);

        Assert.All(LocsCsv.Match(truth, on, PixelNm, 50), m => Assert.NotNull(m.Found));
        Assert.Equal(truth.Count / 2, off.Count);
        Assert.Equal(truth.Count / 2, rig.Count);
        Assert.Equal(on.Count, rigOn.Count);
        using var summary = JsonDocument.Parse(File.ReadAllText(tmp.File("rig/summary.json")));
        Assert.Equal(0, summary.RootElement.GetProperty("multi_emitter_fits_attempted").GetInt64());
    }

    [Fact]
    public void ResidualDetection_On_FindsDimEmittersBesideBrighterOnes_ThatTheDefaultMisses()
    {
        // Pairs 3.5 px apart, 4:1 in brightness, σ 1 px on 25 photons/px (ResidualDetectionTests' geometry):
        // the bright spot's wavelet ring hides the dim one's maximum, so only the second pass on the residual
        // (data − the accepted fits) gives it a candidate. Off is the default; the option and the profile turn it on.
        using var tmp = new TempDir();
        const int Side = 96, Frames = 4;
        var rng = new Random(2718);
        var bright = new List<DrawnEmitter>();
        var dim = new List<DrawnEmitter>();
        for (int f = 0; f < Frames; f++)
        {
            for (int gy = 0; gy < 4; gy++)
            {
                for (int gx = 0; gx < 4; gx++)
                {
                    double cx = 12 + (24 * gx) + rng.NextDouble(), cy = 12 + (24 * gy) + rng.NextDouble(), angle = rng.NextDouble() * 2 * Math.PI;
                    bright.Add(new DrawnEmitter(f, cx, cy, 4000));
                    dim.Add(new DrawnEmitter(f, cx + (3.5 * Math.Cos(angle)), cy + (3.5 * Math.Sin(angle)), 1000));
                }
            }
        }

        var stack = SpotStacks.Draw(Side, Side, Frames, [.. bright, .. dim], Camera, 1.0, 25, noiseSeed: 27);
        SpotStacks.WriteTiff(tmp.File("stack.ome.tif"), stack, PixelNm);
        string profile = File.ReadAllText(CliRunner.RepoFile("hardware-profiles", "simulated-storm.json"))
            .Replace("\"name\": \"simulated-storm\",", "\"name\": \"simulated-storm\", \"analysis\": { \"residualDetection\": true },", StringComparison.Ordinal);
        File.WriteAllText(tmp.File("rig.json"), profile);

        string[] common = [.. Camera.Options(PixelNm), "--psf-sigma-nm", "100"];
        List<CsvLoc> byDefault = Analyze(tmp, "default", common);
        List<CsvLoc> on = Analyze(tmp, "on", [.. common, "--residual-detection", "on"]);
        List<CsvLoc> rig = Analyze(tmp, "rig", ["--profile", tmp.File("rig.json"), .. common]);
        List<CsvLoc> rigOff = Analyze(tmp, "rig-off", ["--profile", tmp.File("rig.json"), .. common, "--residual-detection", "off"]);

        double Recall(List<DrawnEmitter> truth, List<CsvLoc> found) => LocsCsv.Match(truth, found, PixelNm, 100).Count(m => m.Found is not null) / (double)truth.Count;
        Assert.True(Recall(dim, byDefault) < 0.9, $"the default already finds {Recall(dim, byDefault):P0} of the dim emitters: the pairs do not hide them");
        Assert.True(Recall(dim, on) >= 0.95, $"--residual-detection on found {Recall(dim, on):P0} of the dim emitters (want ≥ 95 %)");
        Assert.True(Recall(bright, on) >= 0.97, $"--residual-detection on found {Recall(bright, on):P0} of the bright emitters");
        Assert.InRange(on.Count, dim.Count + bright.Count - 4, ((dim.Count + bright.Count) * 1.02) + 1);
        Assert.Equal(on.Count, rig.Count);
        Assert.Equal(byDefault.Count, rigOff.Count);
    }

    private static List<DrawnEmitter> DrawStack(TempDir tmp, int noiseSeed, int frames = FrameCount)
    {
        List<DrawnEmitter> truth = SpotStacks.Grid(Size, Size, frames, Photons);
        var stack = SpotStacks.Draw(Size, Size, frames, truth, Camera, SigmaPx, Background, noiseSeed);
        SpotStacks.WriteTiff(tmp.File("stack.ome.tif"), stack, PixelNm);
        return truth;
    }

    private static List<CsvLoc> Analyze(TempDir tmp, string run, string[] options)
    {
        var (code, _, err) = CliRunner.Run(["analyze", tmp.File("stack.ome.tif"), "--out", tmp.File(run), .. LastWins(["--engine", "cpu", .. options])]);
        Assert.True(code == 0, err);
        return LocsCsv.Read(tmp.File($"{run}/locs.csv"));
    }

    /// <summary>Options as given, except that a later "--name value" replaces an earlier one (the CLI takes each once).</summary>
    private static string[] LastWins(string[] options)
    {
        var list = new List<string>();
        for (int i = 0; i < options.Length; i++)
        {
            bool hasValue = i + 1 < options.Length && !options[i + 1].StartsWith("--", StringComparison.Ordinal);
            int at = list.IndexOf(options[i]);
            if (at >= 0 && hasValue)
            {
                list[at + 1] = options[++i];
                continue;
            }

            if (at < 0)
            {
                list.Add(options[i]);
                if (hasValue)
                {
                    list.Add(options[++i]);
                }
            }
        }

        return [.. list];
    }

    /// <summary>Pairs two runs' localizations of the same spots (same frame, nearest position).</summary>
    private static IEnumerable<(CsvLoc A, CsvLoc B)> Pair(List<CsvLoc> a, List<CsvLoc> b)
    {
        foreach (CsvLoc l in a)
        {
            CsvLoc other = b.Where(o => o.Frame == l.Frame).MinBy(o => Math.Pow(o.XNm - l.XNm, 2) + Math.Pow(o.YNm - l.YNm, 2))!;
            yield return (l, other);
        }
    }
}

/// <summary>
/// The Cramér–Rao bound of a pixel-integrated Gaussian spot with free x, y, N, b and σ, from the Fisher
/// matrix Σ ∂μ∂μᵀ / (μ + σ²_read) over the 9×9 pixels around it, with numerical derivatives of the test's own PSF model.
/// </summary>
internal static class Crlb
{
    public static double LateralNm(double xPx, double yPx, double sigmaPx, double electrons, double bgElectrons, double readVariance, double pixelNm)
    {
        const int Roi = 9;
        int x0 = (int)Math.Floor(xPx) - (Roi / 2);
        int y0 = (int)Math.Floor(yPx) - (Roi / 2);
        double[] theta = [xPx - x0, yPx - y0, electrons, bgElectrons, sigmaPx];
        double[] Model(double[] p)
        {
            double[] spot = SpotStacks.SpotModel(Roi, Roi, p[0], p[1], p[4], p[2]);
            return spot.Select(v => v + p[3]).ToArray();
        }

        double[] mu = Model(theta);
        var derivatives = new double[5][];
        for (int k = 0; k < 5; k++)
        {
            double h = k is 2 or 3 ? 1e-4 * theta[k] : 1e-5;
            double[] up = (double[])theta.Clone();
            double[] down = (double[])theta.Clone();
            up[k] += h;
            down[k] -= h;
            double[] mu1 = Model(up);
            double[] mu0 = Model(down);
            derivatives[k] = mu1.Zip(mu0, (a, b) => (a - b) / (2 * h)).ToArray();
        }

        var fisher = new double[5, 5];
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 5; j++)
            {
                double s = 0;
                for (int p = 0; p < mu.Length; p++)
                {
                    s += derivatives[i][p] * derivatives[j][p] / (mu[p] + readVariance);
                }

                fisher[i, j] = s;
            }
        }

        double[,] inverse = Invert(fisher);
        return 0.5 * (Math.Sqrt(inverse[0, 0]) + Math.Sqrt(inverse[1, 1])) * pixelNm;
    }

    /// <summary>Gauss–Jordan with partial pivoting.</summary>
    private static double[,] Invert(double[,] a)
    {
        int n = a.GetLength(0);
        var m = new double[n, 2 * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                m[i, j] = a[i, j];
            }

            m[i, n + i] = 1;
        }

        for (int c = 0; c < n; c++)
        {
            int pivot = Enumerable.Range(c, n - c).MaxBy(r => Math.Abs(m[r, c]));
            for (int j = 0; j < 2 * n; j++)
            {
                (m[c, j], m[pivot, j]) = (m[pivot, j], m[c, j]);
            }

            double d = m[c, c];
            for (int j = 0; j < 2 * n; j++)
            {
                m[c, j] /= d;
            }

            for (int r = 0; r < n; r++)
            {
                if (r != c)
                {
                    double f = m[r, c];
                    for (int j = 0; j < 2 * n; j++)
                    {
                        m[r, j] -= f * m[c, j];
                    }
                }
            }
        }

        var inverse = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                inverse[i, j] = m[i, n + j];
            }
        }

        return inverse;
    }
}
