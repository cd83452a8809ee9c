using System.Globalization;
using LiveSmlm.Core;
using LiveSmlm.IO;

namespace LiveSmlm.Cli.Tests;

/// <summary>An emitter the test draws: frame from 0, position in camera pixels from the top-left corner, photons at the sample.</summary>
internal sealed record DrawnEmitter(int Frame, double XPx, double YPx, double Photons);

/// <summary>
/// The camera a test stack is drawn with, written out here independently of <see cref="CameraModel"/>:
/// photoelectrons = QE · photons; mean ADU = baseline + photoelectrons · emGain / (e⁻/ADU).
/// </summary>
internal sealed record DrawCamera(double BaselineAdu = 100, double ElectronsPerAdu = 0.5, double EmGain = 1, double QuantumEfficiency = 0.8)
{
    public double AduPerPhoton => QuantumEfficiency * EmGain / ElectronsPerAdu;

    /// <summary>The `analyze` options that describe this camera exactly (read noise 0).</summary>
    public string[] Options(double pixelSizeNm = 100) =>
    [
        "--pixel-size-nm", F(pixelSizeNm),
        "--baseline-adu", F(BaselineAdu),
        "--electrons-per-adu", F(ElectronsPerAdu),
        "--em-gain", F(EmGain),
        "--qe", F(QuantumEfficiency),
        "--read-noise-e", "0",
    ];

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// Draws small stacks of pixel-integrated Gaussian spots with known truth. The pixel integral is the
/// test's own (an erf series), not the engine's; noise is Poisson in photoelectrons from a seeded generator.
/// </summary>
internal static class SpotStacks
{
    public static Frame[] Draw(int width, int height, int frames, IReadOnlyList<DrawnEmitter> emitters, DrawCamera camera, double sigmaPx, double backgroundPhotons, int? noiseSeed)
    {
        var random = noiseSeed is { } seed ? new Random(seed) : null;
        var result = new Frame[frames];
        var expected = new double[width * height];
        for (int t = 0; t < frames; t++)
        {
            Array.Fill(expected, backgroundPhotons);
            foreach (DrawnEmitter e in emitters.Where(e => e.Frame == t))
            {
                AddSpot(expected, width, height, e.XPx, e.YPx, sigmaPx, e.Photons);
            }

            var frame = new Frame(width, height) { Index = t };
            for (int i = 0; i < expected.Length; i++)
            {
                double electrons = camera.QuantumEfficiency * expected[i];
                if (random is not null)
                {
                    electrons = Poisson(random, electrons);
                }

                double adu = camera.BaselineAdu + (electrons * camera.EmGain / camera.ElectronsPerAdu);
                frame[i % width, i / width] = (ushort)Math.Clamp(Math.Round(adu), 0, 65535);
            }

            result[t] = frame;
        }

        return result;
    }

    /// <summary>Mean photons in each pixel of a frame holding one spot (no background): the test's PSF model.</summary>
    public static double[] SpotModel(int width, int height, double xPx, double yPx, double sigmaPx, double photons)
    {
        var model = new double[width * height];
        AddSpot(model, width, height, xPx, yPx, sigmaPx, photons);
        return model;
    }

    public static void WriteTiff(string path, IReadOnlyList<Frame> frames, double pixelSizeNm)
    {
        using var writer = OmeTiffWriter.Create(path, frames[0].Width, frames[0].Height, pixelSizeNm);
        foreach (Frame f in frames)
        {
            writer.Write(f);
        }

        writer.Complete();
    }

    public static void WriteDax(string path, IReadOnlyList<Frame> frames)
    {
        using var writer = DaxWriter.Create(path, frames[0].Width, frames[0].Height);
        foreach (Frame f in frames)
        {
            writer.Write(f);
        }

        writer.Complete();
    }

    public static void WriteRaw(string path, IReadOnlyList<Frame> frames)
    {
        using var writer = PicassoRawWriter.Create(path, frames[0].Width, frames[0].Height);
        foreach (Frame f in frames)
        {
            writer.Write(f);
        }

        writer.Complete();
    }

    /// <summary>Emitters on a grid, well apart, at sub-pixel positions that differ per frame.</summary>
    public static List<DrawnEmitter> Grid(int width, int height, int frames, double photons, int spacingPx = 12, int marginPx = 7)
    {
        var list = new List<DrawnEmitter>();
        for (int t = 0; t < frames; t++)
        {
            for (int y = marginPx; y <= height - marginPx; y += spacingPx)
            {
                for (int x = marginPx; x <= width - marginPx; x += spacingPx)
                {
                    // Sub-pixel offsets that are neither centred nor symmetric, different per frame.
                    double dx = 0.13 + (0.61 * ((t * 7 + x) % 5) / 5.0);
                    double dy = 0.37 + (0.53 * ((t * 3 + y) % 4) / 4.0);
                    list.Add(new DrawnEmitter(t, x + dx, y + dy, photons));
                }
            }
        }

        return list;
    }

    private static void AddSpot(double[] image, int width, int height, double xPx, double yPx, double sigmaPx, double photons)
    {
        var ex = new double[width];
        var ey = new double[height];
        for (int i = 0; i < width; i++)
        {
            ex[i] = 0.5 * (Erf((i + 1 - xPx) / (Math.Sqrt(2) * sigmaPx)) - Erf((i - xPx) / (Math.Sqrt(2) * sigmaPx)));
        }

        for (int j = 0; j < height; j++)
        {
            ey[j] = 0.5 * (Erf((j + 1 - yPx) / (Math.Sqrt(2) * sigmaPx)) - Erf((j - yPx) / (Math.Sqrt(2) * sigmaPx)));
        }

        for (int j = 0; j < height; j++)
        {
            for (int i = 0; i < width; i++)
            {
                image[(j * width) + i] += photons * ex[i] * ey[j];
            }
        }
    }

    /// <summary>erf: its Maclaurin series for |x| ≤ 2.5, else 1 − erfc from erfc's continued fraction; |error| ≲ 1e-13.</summary>
    internal static double Erf(double x)
    {
        double a = Math.Abs(x);
        if (a <= 2.5)
        {
            // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)).
            double term = a;
            double sum = a;
            for (int n = 1; n < 200; n++)
            {
                term *= -a * a / n;
                double add = term / ((2 * n) + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum))
                {
                    break;
                }
            }

            return Math.Sign(x) * 2 / Math.Sqrt(Math.PI) * sum;
        }

        // erfc(a) = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))), evaluated from the tail.
        double f = a;
        for (int n = 80; n >= 1; n--)
        {
            f = a + (n / 2.0 / f);
        }

        return Math.Sign(x) * (1 - (Math.Exp(-a * a) / (Math.Sqrt(Math.PI) * f)));
    }

    private static double Poisson(Random random, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean < 40)
        {
            // Knuth: multiply uniforms until the product drops below e^−mean.
            double limit = Math.Exp(-mean);
            double product = random.NextDouble();
            int k = 0;
            while (product > limit)
            {
                product *= random.NextDouble();
                k++;
            }

            return k;
        }

        // Large means: normal approximation (Box–Muller), good to well under a count here.
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return Math.Max(0, Math.Round(mean + (z * Math.Sqrt(mean))));
    }
}

/// <summary>One row of `analyze`'s locs.csv, parsed here by splitting the text (not by our reader).</summary>
internal sealed record CsvLoc(int Frame, double XNm, double YNm, double SigmaNm, double Photons, double BackgroundPhotons, double UncertaintyNm);

internal static class LocsCsv
{
    /// <summary>Reads the ThunderSTORM columns by their header names; frames converted to count from 0.</summary>
    public static List<CsvLoc> Read(string path)
    {
        string[] lines = File.ReadAllLines(path);
        string[] header = lines[0].Split(',').Select(h => h.Trim('"')).ToArray();
        int Col(string name)
        {
            int i = Array.IndexOf(header, name);
            Assert.True(i >= 0, $"column {name} missing from {path}: {lines[0]}");
            return i;
        }

        int frame = Col("frame"), x = Col("x [nm]"), y = Col("y [nm]"), sigma = Col("sigma [nm]"), intensity = Col("intensity [photon]"), offset = Col("offset [photon]"), uncertainty = Col("uncertainty [nm]");
        var rows = new List<CsvLoc>();
        foreach (string line in lines.Skip(1).Where(l => l.Length > 0))
        {
            string[] f = line.Split(',');
            double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            rows.Add(new CsvLoc(int.Parse(f[frame], CultureInfo.InvariantCulture) - 1, D(x), D(y), D(sigma), D(intensity), D(offset), D(uncertainty)));
        }

        return rows;
    }

    /// <summary>For each drawn emitter, the nearest localization of its frame within <paramref name="radiusNm"/> (null when none).</summary>
    public static List<(DrawnEmitter Truth, CsvLoc? Found)> Match(IReadOnlyList<DrawnEmitter> truth, IReadOnlyList<CsvLoc> locs, double pixelSizeNm, double radiusNm)
    {
        var result = new List<(DrawnEmitter, CsvLoc?)>();
        foreach (DrawnEmitter e in truth)
        {
            CsvLoc? best = null;
            double bestD = radiusNm;
            foreach (CsvLoc l in locs.Where(l => l.Frame == e.Frame))
            {
                double d = Math.Sqrt(Math.Pow(l.XNm - (e.XPx * pixelSizeNm), 2) + Math.Pow(l.YNm - (e.YPx * pixelSizeNm), 2));
                if (d <= bestD)
                {
                    bestD = d;
                    best = l;
                }
            }

            result.Add((e, best));
        }

        return result;
    }
}
