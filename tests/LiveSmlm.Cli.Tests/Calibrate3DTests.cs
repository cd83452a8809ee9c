using System.Globalization;
using System.Text.Json;
using LiveSmlm.Core;
using LiveSmlm.IO;
using LiveSmlm.Simulation;

namespace LiveSmlm.Cli.Tests;

/// <summary>
/// `calibrate-3d` then `analyze --calibration` then `evaluate`, end to end on simulated data: the outputs are read
/// back by independent readers (python3's json, csv and PyYAML, h5dump, pngcheck) and the fitted z is scored
/// against the simulator's ground truth.
/// </summary>
public sealed class Calibrate3DTests
{
    private const int Size = 96;
    private const double PixelNm = 100;
    private static readonly CameraModel Camera = new() { PixelSizeNm = PixelNm, BaselineAdu = 100, ElectronsPerAdu = 0.5, QuantumEfficiency = 0.9, ReadNoiseElectrons = 1.5 };
    private static readonly AstigmatismSettings Optics = new() { Sigma0XNm = 115, Sigma0YNm = 120, CxNm = -250, CyNm = 250, DNm = 400, Ax = 0.1, Bx = 0.05, Ay = -0.1, By = 0.04 };
    private static readonly string[] CameraArgs = ["--pixel-size-nm", "100", "--baseline-adu", "100", "--electrons-per-adu", "0.5", "--qe", "0.9", "--read-noise-e", "1.5"];

    // ilgpu-cpu: the GPU engine's kernels (Fit3DKernels) on ILGPU's CPU accelerator, on the simulator's data.
    [Theory]
    [InlineData("spline", "auto")]
    [InlineData("gauss3d", "auto")]
    [InlineData("spline", "ilgpu-cpu")]
    public void Calibrate3D_ThenAnalyzeWithCalibration_WritesZAndUncertaintyZAndFindsZ(string psf, string engine)
    {
        using var dir = new TempDir();
        string beads = dir.File("beads.ome.tif");
        WriteBeadStack(beads);
        string calib = dir.File("calib.json");
        (int code, _, string err) = CliRunner.Run(["calibrate-3d", "--stack", beads, "--z-step-nm", "20", "--out", calib, .. CameraArgs]);
        Assert.True(code == 0, err);

        // The calibration, plot and Picasso YAML, each read back by an independent reader.
        string check = EndToEndTests.RunTool("python3", "-c", """
import json, sys, yaml
c = json.load(open(sys.argv[1]))
p = yaml.safe_load(open(sys.argv[2]))
def polyval(cs, z):
    v = 0.0
    for k in cs: v = v * z + k
    return v
print(c["format"], c["zMinNm"], c["zMaxNm"], c["quality"]["beadsUsed"], len(p["X Coefficients"]), polyval(p["X Coefficients"], 0.0), polyval(p["Y Coefficients"], 0.0))
""", calib, dir.File("calib.picasso.yaml"));
        string[] f = check.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(f.Length == 7, check);
        Assert.Equal("livesmlm-3d-calibration", f[0]);
        Assert.True(double.Parse(f[1], CultureInfo.InvariantCulture) <= -500 && double.Parse(f[2], CultureInfo.InvariantCulture) >= 500, check);
        Assert.Equal("4", f[3]);
        Assert.Equal("7", f[4]);

        // Picasso's polynomials (px) at z = 0 against the simulator's widths where its σx = σy.
        double crossing = Crossing();
        Assert.InRange(double.Parse(f[5], CultureInfo.InvariantCulture) * PixelNm, 0.97 * Optics.SigmaXNm(crossing), 1.03 * Optics.SigmaXNm(crossing));
        Assert.InRange(double.Parse(f[6], CultureInfo.InvariantCulture) * PixelNm, 0.97 * Optics.SigmaYNm(crossing), 1.03 * Optics.SigmaYNm(crossing));
        Assert.Contains("OK", EndToEndTests.RunTool("pngcheck", dir.File("calib.png")), StringComparison.Ordinal);

        // Astigmatic emitters over ±500 nm, then analyze with the calibration.
        string stack = dir.File("emitters.ome.tif"), truth = dir.File("truth.csv");
        WriteEmitterStack(stack, truth, crossing);
        string outDir = Path.Combine(dir.Path, "out");
        (code, _, err) = CliRunner.Run(["analyze", stack, "--out", outDir, "--calibration", calib, "--psf", psf, "--engine", engine, .. CameraArgs]);
        Assert.True(code == 0, err);

        string header = EndToEndTests.RunTool("python3", "-c", "import csv, sys; r = csv.reader(open(sys.argv[1])); print('|'.join(next(r))); print(sum(1 for _ in r))", Path.Combine(outDir, "locs.csv"));
        Assert.Contains("z [nm]", header, StringComparison.Ordinal);
        Assert.Contains("uncertainty_z [nm]", header, StringComparison.Ordinal);
        string h5 = EndToEndTests.RunTool("h5dump", "-H", Path.Combine(outDir, "locs.hdf5"));
        Assert.Contains("\"z\"", h5, StringComparison.Ordinal);
        Assert.Contains("\"lpz\"", h5, StringComparison.Ordinal);
        Assert.Contains("RGB", EndToEndTests.RunTool("pngcheck", "-v", Path.Combine(outDir, "render.png")), StringComparison.Ordinal);

        (code, string json, err) = CliRunner.Run("evaluate", "--locs", Path.Combine(outDir, "locs.csv"), "--truth", truth);
        Assert.True(code == 0, err);
        using JsonDocument result = JsonDocument.Parse(json);
        double recall = result.RootElement.GetProperty("recall").GetDouble();
        double axial = result.RootElement.GetProperty("rmse_axial_nm").GetDouble();
        double lateral = result.RootElement.GetProperty("rmse_lateral_nm").GetDouble();
        Console.WriteLine($"{psf} on {engine}: {json.Trim()}");
        Assert.True(recall > 0.9, json);

        // 3000 photons on 10/px: √CRLB_z is 20–35 nm over ±500 nm for this lens; the RMSE must stay near it.
        Assert.True(axial < 45, json);
        Assert.True(lateral < 25, json);
    }

    [Fact]
    public void Bench_CompareCpuWithCalibration_GpuCodeOnIlgpuCpuGivesTheCpuEnginesZ()
    {
        using var dir = new TempDir();
        string beads = dir.File("beads.ome.tif"), calib = dir.File("calib.json");
        WriteBeadStack(beads);
        (int code, _, string err) = CliRunner.Run(["calibrate-3d", "--stack", beads, "--z-step-nm", "20", "--out", calib, .. CameraArgs]);
        Assert.True(code == 0, err);

        (code, string stdout, err) = CliRunner.Run("bench", "--engine", "ilgpu-cpu", "--compare-cpu", "--calibration", calib, "--frame-size", "96", "--emitters", "8");
        Assert.True(code == 0, err + stdout);
        using JsonDocument json = JsonDocument.Parse(stdout);
        long cpu = json.RootElement.GetProperty("cpu_localizations").GetInt64();
        Assert.True(cpu >= 12, stdout); // 2 frames × 8 well-separated emitters (σ 130 nm: near focus for this lens)
        Assert.Equal(cpu, json.RootElement.GetProperty("engine_localizations").GetInt64());
        Assert.Equal(cpu, json.RootElement.GetProperty("matched").GetInt64());
        Assert.True(json.RootElement.GetProperty("max_z_difference_nm").GetDouble() <= 0.1, stdout);
        Assert.True(json.RootElement.GetProperty("equivalent").GetBoolean(), stdout);
    }

    [Fact]
    public void Bench_CalibrationWithoutCompareCpu_IsBadInput()
    {
        using var dir = new TempDir();
        string calib = dir.File("calib.json");
        File.WriteAllText(calib, "{}");
        (int code, _, string err) = CliRunner.Run("bench", "--engine", "cpu", "--calibration", calib);
        Assert.Equal(2, code);
        Assert.Contains("--calibration applies to --compare-cpu", err, StringComparison.Ordinal);
    }

    private static double Crossing()
    {
        double lo = Optics.CxNm, hi = Optics.CyNm;
        for (int i = 0; i < 60; i++)
        {
            double mid = 0.5 * (lo + hi);
            bool sameAsLo = Math.Sign(Optics.SigmaXNm(mid) - Optics.SigmaYNm(mid)) == Math.Sign(Optics.SigmaXNm(lo) - Optics.SigmaYNm(lo));
            (lo, hi) = sameAsLo ? (mid, hi) : (lo, mid);
        }

        return 0.5 * (lo + hi);
    }

    private static void WriteBeadStack(string path)
    {
        var rng = new Random(7);
        List<Bead> beads = [.. new[] { (20, 20), (20, 70), (70, 45), (45, 80) }.Select(p => new Bead((p.Item1 + rng.NextDouble()) * PixelNm, (p.Item2 + rng.NextDouble()) * PixelNm, (rng.NextDouble() - 0.5) * 80, 20_000))];
        ushort[][] slices = BeadStack.Simulate(Size, Size, Camera, new AstigmaticGaussianPsf(Optics), beads, -800, 20, 81, 20, 8);
        Write(path, slices);
    }

    // 40 frames of 9 emitters on a 3 × 3 grid, 3000 photons, z uniform over ±500 nm about the lens's σx = σy.
    private static void WriteEmitterStack(string path, string truthPath, double crossingNm)
    {
        var rng = new Random(9);
        var psf = new AstigmaticGaussianPsf(Optics);
        var noise = new CameraNoise(Camera, Size, Size, 10);
        var expected = new float[Size * Size];
        var frames = new List<ushort[]>();
        using var truth = new GroundTruthCsvWriter(truthPath);
        long id = 1;
        for (int frame = 0; frame < 40; frame++)
        {
            Array.Fill(expected, 10f / (float)Camera.QuantumEfficiency);
            var emitters = new List<GroundTruthEmitter>();
            for (int k = 0; k < 9; k++)
            {
                double x = (18 + (30 * (k % 3)) + rng.NextDouble()) * PixelNm, y = (18 + (30 * (k / 3)) + rng.NextDouble()) * PixelNm;
                double z = (rng.NextDouble() - 0.5) * 1000;
                psf.AddExpectedPhotons(expected, Size, Size, PixelNm, x, y, z + crossingNm, 3000);
                emitters.Add(new GroundTruthEmitter(id++, frame, x, y, z, 3000));
            }

            truth.Write(emitters.ToArray());
            var adu = new ushort[Size * Size];
            noise.Apply(expected, adu, frame);
            frames.Add(adu);
        }

        Write(path, frames);
    }

    private static void Write(string path, IReadOnlyList<ushort[]> slices)
    {
        using var writer = OmeTiffWriter.Create(path, Size, Size, PixelNm);
        foreach (ushort[] s in slices)
        {
            writer.Write(new Frame(Size, Size, s));
        }

        writer.Complete();
    }
}
