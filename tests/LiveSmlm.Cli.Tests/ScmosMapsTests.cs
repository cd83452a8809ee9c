using System.Globalization;
using System.Text.Json;
using LiveSmlm.Core;
using LiveSmlm.IO;
using MathNet.Numerics.Distributions;
using Xunit.Abstractions;

namespace LiveSmlm.Cli.Tests;

/// <summary>
/// `analyze --scmos-maps`: per-pixel calibration that equals the uniform camera gives the uniform
/// result; a non-uniform sensor analysed with its maps comes out closer to the test's own truth than
/// the same analysis with the nominal uniform camera.
/// </summary>
public class ScmosMapsTests(ITestOutputHelper log)
{
    private static readonly string StormProfile = CliRunner.RepoFile("hardware-profiles", "simulated-storm.json");

    [Fact]
    public void Analyze_MapsEqualToTheUniformCamera_MatchTheTruthAsWellAsTheUniformModel()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", StormProfile, "--frames", "30", "--out", tmp.Path, "--seed", "4").ExitCode);
        CameraModel camera = LiveSmlm.Devices.Profiles.HardwareProfile.Load(StormProfile).ToCameraModel();
        int n = 256 * 256;
        double readAdu = camera.ReadNoiseElectrons / camera.ElectronsPerAdu;
        var maps = new PixelCalibrationMaps(
            Enumerable.Repeat((float)camera.BaselineAdu, n).ToArray(),
            Enumerable.Repeat((float)(readAdu * readAdu), n).ToArray(),
            Enumerable.Repeat((float)camera.ElectronsPerAdu, n).ToArray());
        ScmosCalibrationFile.Write(tmp.File("maps.tif"), maps, 256, 256);

        var (uniformCode, _, uniformErr) = CliRunner.Run("analyze", tmp.File("raw.ome.tif"), "--profile", StormProfile, "--out", tmp.File("uniform"));
        Assert.True(uniformCode == 0, uniformErr);
        var (mapCode, _, mapErr) = CliRunner.Run("analyze", tmp.File("raw.ome.tif"), "--profile", StormProfile, "--scmos-maps", tmp.File("maps.tif"), "--out", tmp.File("mapped"));
        Assert.True(mapCode == 0, mapErr);

        double uniform = Jaccard(tmp, "uniform");
        double mapped = Jaccard(tmp, "mapped");
        Assert.True(uniform > 0.7, $"uniform Jaccard {uniform}");
        Assert.InRange(mapped, uniform - 0.005, uniform + 0.005);
    }

    [Fact]
    public void Analyze_MapsOfAnotherSize_NamesTheFileAndExitsWithTwo()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", StormProfile, "--frames", "2", "--out", tmp.Path).ExitCode);
        var small = new PixelCalibrationMaps(new float[16], Enumerable.Repeat(1f, 16).ToArray(), Enumerable.Repeat(0.5f, 16).ToArray());
        ScmosCalibrationFile.Write(tmp.File("small-maps.tif"), small, 4, 4);
        var (code, _, err) = CliRunner.Run("analyze", tmp.File("raw.ome.tif"), "--scmos-maps", tmp.File("small-maps.tif"), "--out", tmp.File("out"));
        Assert.Equal(2, code);
        Assert.Contains("small-maps.tif", err, StringComparison.Ordinal);
        Assert.Contains("256×256", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_NonUniformSensorWithItsMaps_IsCloserToTheTruthThanWithTheNominalCamera()
    {
        using var tmp = new TempDir();
        var sensor = Sensor.Create(new Random(90));
        List<Emitter> truth = Sensor.Emitters(new Random(91));
        Sensor.WriteStack(tmp.File("raw.ome.tif"), sensor, truth, new Random(92));
        ScmosCalibrationFile.Write(tmp.File("maps.tif"), sensor.Maps, Sensor.Size, Sensor.Size);

        // The nominal camera: what a user would type for this sensor without its calibration.
        string[] nominal = ["--pixel-size-nm", "100", "--psf-sigma-nm", "130", "--baseline-adu", "100", "--electrons-per-adu", "0.5", "--read-noise-e", "1.5", "--qe", "1", "--engine", "cpu"];
        var (code, _, err) = CliRunner.Run(["analyze", tmp.File("raw.ome.tif"), "--out", tmp.File("nominal"), .. nominal]);
        Assert.True(code == 0, err);
        (code, _, err) = CliRunner.Run(["analyze", tmp.File("raw.ome.tif"), "--scmos-maps", tmp.File("maps.tif"), "--out", tmp.File("mapped"), .. nominal]);
        Assert.True(code == 0, err);

        Outcome mapped = Outcome.Of(ReadLocs(tmp.File("mapped/locs.csv")), truth, sensor);
        Outcome plain = Outcome.Of(ReadLocs(tmp.File("nominal/locs.csv")), truth, sensor);
        log.WriteLine($"with maps:    {mapped}");
        log.WriteLine($"nominal only: {plain}");

        // With its maps the run is right: both readout halves' photons, no pull towards the offset
        // pixels next to the emitters, almost nothing at the 80 isolated defects over 30 frames
        // (detection does not use the variance map, so a 40 e⁻ pixel is sometimes a candidate; the
        // fit, which does, rejects nearly all: 4 of 2400 defect-frames were localized).
        Assert.True(mapped.Recall >= 0.98 && mapped.Precision >= 0.98, $"with maps: {mapped}");
        Assert.InRange(mapped.PhotonRatioTop, 0.97, 1.03);
        Assert.InRange(mapped.PhotonRatioBottom, 0.97, 1.03);
        Assert.InRange(mapped.BiasTowardsHotPixelNm, -1.5, 1.5);
        Assert.True(mapped.AtIsolatedDefects <= 8, $"with maps: {mapped.AtIsolatedDefects} localizations at isolated hot or noisy pixels");

        // ... and measurably closer to the truth than the nominal camera on every count.
        Assert.True(Math.Abs(plain.PhotonRatioTop - 1) > 0.05 && Math.Abs(plain.PhotonRatioBottom - 1) > 0.05, $"nominal: {plain}");
        Assert.True(plain.BiasTowardsHotPixelNm > mapped.BiasTowardsHotPixelNm + 2, $"nominal: {plain}");
        Assert.True(plain.RmseNm > 1.1 * mapped.RmseNm, $"RMSE with maps {mapped.RmseNm:F2} nm, nominal {plain.RmseNm:F2} nm");
        Assert.True(plain.AtIsolatedDefects > mapped.AtIsolatedDefects + 10, $"at isolated defects: with maps {mapped.AtIsolatedDefects}, nominal {plain.AtIsolatedDefects}");
    }

    /// <summary>locs.csv read by header name with plain string splitting (no project code): frame from 1, nm, photons.</summary>
    private static List<(int Frame, double X, double Y, double Photons)> ReadLocs(string path)
    {
        string[] lines = File.ReadAllLines(path);
        string[] header = lines[0].Split(',').Select(h => h.Trim('"')).ToArray();
        int frame = Array.IndexOf(header, "frame"), x = Array.IndexOf(header, "x [nm]"), y = Array.IndexOf(header, "y [nm]"), n = Array.IndexOf(header, "intensity [photon]");
        Assert.True(frame >= 0 && x >= 0 && y >= 0 && n >= 0, $"unexpected header {lines[0]}");
        return lines.Skip(1).Select(l => l.Split(',')).Select(f => (
            int.Parse(f[frame], CultureInfo.InvariantCulture) - 1,
            double.Parse(f[x], CultureInfo.InvariantCulture),
            double.Parse(f[y], CultureInfo.InvariantCulture),
            double.Parse(f[n], CultureInfo.InvariantCulture))).ToList();
    }

    private readonly record struct Emitter(int Frame, double XPx, double YPx);

    /// <summary>
    /// A 96 × 96 sCMOS sensor read out by two amplifiers: top half 0.45 e⁻/ADU at 100 ADU offset,
    /// bottom half 0.6 e⁻/ADU at 108 ADU (nominal: 0.5 e⁻/ADU, 100 ADU), per-pixel offset scatter
    /// 1.5 ADU, read noise 1–2 e⁻. Next to each grid site (where emitters appear) a hot pixel
    /// (+100 ADU offset) 1.5 px to the right and a noisy pixel (40 e⁻ rms) 1 px up; 40 more hot
    /// (+300 ADU) and 40 noisy pixels lie away from every site.
    /// </summary>
    private sealed class Sensor
    {
        public const int Size = 96;
        public const int Grid = 16;
        public const int Frames = 30;
        public const double Photons = 1500;
        public const double Background = 15;
        public const double SigmaPx = 1.3;

        public required PixelCalibrationMaps Maps { get; init; }

        public required double[] ReadNoiseE { get; init; }

        public required List<(int X, int Y)> IsolatedDefects { get; init; }

        public static Sensor Create(Random rng)
        {
            int n = Size * Size;
            var offset = new float[n];
            var gain = new float[n];
            var variance = new float[n];
            var read = new double[n];
            for (int i = 0; i < n; i++)
            {
                bool top = i / Size < Size / 2;
                gain[i] = top ? 0.45f : 0.6f;
                offset[i] = (float)((top ? 100 : 108) + Normal.Sample(rng, 0, 1.5));
                read[i] = 1 + rng.NextDouble();
            }

            foreach ((int sx, int sy) in Sites())
            {
                offset[(sy * Size) + sx + 2] += 100;
                read[((sy - 1) * Size) + sx] = 40;
            }

            var isolated = new List<(int X, int Y)>();
            while (isolated.Count < 80)
            {
                int x = rng.Next(2, Size - 2), y = rng.Next(2, Size - 2);
                if (Sites().All(s => Math.Abs(s.X - x) > 5 || Math.Abs(s.Y - y) > 5) && isolated.All(d => Math.Abs(d.X - x) > 3 || Math.Abs(d.Y - y) > 3))
                {
                    isolated.Add((x, y));
                    if (isolated.Count <= 40)
                    {
                        offset[(y * Size) + x] += 300;
                    }
                    else
                    {
                        read[(y * Size) + x] = 40;
                    }
                }
            }

            for (int i = 0; i < n; i++)
            {
                variance[i] = (float)(read[i] * read[i] / (gain[i] * gain[i]));
            }

            return new Sensor { Maps = new PixelCalibrationMaps(offset, variance, gain), ReadNoiseE = read, IsolatedDefects = isolated };
        }

        /// <summary>Grid sites (pixel indices): 5 × 5 per frame, 16 px apart.</summary>
        public static IEnumerable<(int X, int Y)> Sites()
        {
            for (int gy = 1; gy < Size / Grid; gy++)
            {
                for (int gx = 1; gx < Size / Grid; gx++)
                {
                    yield return (gx * Grid, gy * Grid);
                }
            }
        }

        /// <summary>One emitter per site and frame, within ±0.3 px of the site's pixel centre.</summary>
        public static List<Emitter> Emitters(Random rng) =>
            Enumerable.Range(0, Frames).SelectMany(f => Sites().Select(s =>
                new Emitter(f, s.X + 0.2 + (0.6 * rng.NextDouble()), s.Y + 0.2 + (0.6 * rng.NextDouble())))).ToList();

        /// <summary>Photons → Poisson photoelectrons + the pixel's read noise → ADU through its gain and offset.</summary>
        public static void WriteStack(string path, Sensor sensor, List<Emitter> truth, Random rng)
        {
            using var writer = OmeTiffWriter.Create(path, Size, Size, 100);
            var frame = new Frame(Size, Size);
            var expected = new double[Size * Size];
            for (int f = 0; f < Frames; f++)
            {
                Array.Fill(expected, Background);
                foreach (Emitter e in truth.Where(t => t.Frame == f))
                {
                    AddSpot(expected, e.XPx, e.YPx);
                }

                for (int i = 0; i < expected.Length; i++)
                {
                    double electrons = Poisson.Sample(rng, expected[i]) + Normal.Sample(rng, 0, sensor.ReadNoiseE[i]);
                    double adu = sensor.Maps.BaselineAdu[i] + (electrons / sensor.Maps.ElectronsPerAdu[i]);
                    frame.Pixels[i] = (ushort)Math.Clamp(Math.Round(adu), 0, ushort.MaxValue);
                }

                frame.Index = f;
                writer.Write(frame);
            }

            writer.Complete();
        }

        // Pixel-integrated Gaussian (MathNet erf), the test's own image formation.
        private static void AddSpot(double[] expected, double x, double y)
        {
            static double Integral(int i, double c) => 0.5 * (MathNet.Numerics.SpecialFunctions.Erf((i + 1 - c) / (Math.Sqrt(2) * SigmaPx))
                - MathNet.Numerics.SpecialFunctions.Erf((i - c) / (Math.Sqrt(2) * SigmaPx)));
            for (int j = (int)y - 7; j <= (int)y + 7; j++)
            {
                for (int i = (int)x - 7; i <= (int)x + 7; i++)
                {
                    expected[(j * Size) + i] += Photons * Integral(i, x) * Integral(j, y);
                }
            }
        }
    }

    private sealed record Outcome(double Recall, double Precision, double PhotonRatioTop, double PhotonRatioBottom, double BiasTowardsHotPixelNm, double RmseNm, int AtIsolatedDefects)
    {
        public static Outcome Of(List<(int Frame, double X, double Y, double Photons)> locs, List<Emitter> truth, Sensor sensor)
        {
            var used = new bool[locs.Count];
            var pairs = new List<(Emitter T, (int Frame, double X, double Y, double Photons) L)>();
            foreach (Emitter t in truth)
            {
                int best = -1;
                double bestD2 = 150.0 * 150.0; // nm², 1.5 px
                for (int k = 0; k < locs.Count; k++)
                {
                    double d2 = Math.Pow(locs[k].X - (t.XPx * 100), 2) + Math.Pow(locs[k].Y - (t.YPx * 100), 2);
                    if (!used[k] && locs[k].Frame == t.Frame && d2 < bestD2)
                    {
                        best = k;
                        bestD2 = d2;
                    }
                }

                if (best >= 0)
                {
                    used[best] = true;
                    pairs.Add((t, locs[best]));
                }
            }

            double Ratio(bool top) => pairs.Where(p => p.T.YPx < Size / 2 == top).Average(p => p.L.Photons) / Sensor.Photons;
            int atDefects = locs.Count(l => sensor.IsolatedDefects.Any(d => Math.Abs((l.X / 100) - d.X - 0.5) < 2 && Math.Abs((l.Y / 100) - d.Y - 0.5) < 2));
            return new Outcome(
                (double)pairs.Count / truth.Count,
                (double)pairs.Count / Math.Max(locs.Count, 1),
                Ratio(top: true),
                Ratio(top: false),
                pairs.Average(p => p.L.X - (p.T.XPx * 100)),
                Math.Sqrt(pairs.Average(p => Math.Pow(p.L.X - (p.T.XPx * 100), 2) + Math.Pow(p.L.Y - (p.T.YPx * 100), 2))),
                atDefects);
        }

        private const int Size = Sensor.Size;

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"recall {Recall:F3}, precision {Precision:F3}, photons/truth top {PhotonRatioTop:F3} bottom {PhotonRatioBottom:F3}, x bias {BiasTowardsHotPixelNm:F2} nm, RMSE {RmseNm:F2} nm, {AtIsolatedDefects} at isolated defects");
    }

    private static double Jaccard(TempDir tmp, string run)
    {
        var (code, stdout, err) = CliRunner.Run("evaluate", "--locs", tmp.File($"{run}/locs.csv"), "--truth", tmp.File("ground-truth.csv"));
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.GetProperty("jaccard").GetDouble();
    }
}
