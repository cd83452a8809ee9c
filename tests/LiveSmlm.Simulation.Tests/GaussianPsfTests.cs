using MathNet.Numerics;

namespace LiveSmlm.Simulation.Tests;

public class GaussianPsfTests
{
    private const int Size = 32;
    private const double PixelNm = 100;

    [Theory]
    [InlineData(1600, 1600, 94, 94)]
    [InlineData(1537.3, 1622.9, 94, 94)]
    [InlineData(1511.1, 1688.8, 80, 160)]
    public void AddExpectedPhotons_EmitterFarFromEdge_SumsToPhotonCountAndCentroidIsAtEmitter(double xNm, double yNm, double sxNm, double syNm)
    {
        const double photons = 2500;
        var image = new float[Size * Size];

        GaussianPsf.AddExpectedPhotons(image, Size, Size, PixelNm, xNm, yNm, sxNm, syNm, photons);

        double sum = 0, mx = 0, my = 0;
        for (int j = 0; j < Size; j++)
        {
            for (int i = 0; i < Size; i++)
            {
                double v = image[(j * Size) + i];
                sum += v;
                mx += v * (i + 0.5) * PixelNm;
                my += v * (j + 0.5) * PixelNm;
            }
        }

        // Float pixels hold ~7 digits; the PSF beyond 5σ (3·10⁻⁷ per side) is not drawn.
        Assert.Equal(photons, sum, photons * 2e-6);

        // The centroid of pixel-integrated Gaussian mass sits exactly at the emitter (symmetry).
        Assert.Equal(xNm, mx / sum, 0.01);
        Assert.Equal(yNm, my / sum, 0.01);
    }

    [Fact]
    public void AddExpectedPhotons_InRowBlocks_DrawsOnlyThoseRows_AndTogetherTheWholeImageBitForBit()
    {
        const double photons = 4000;
        (double X, double Y)[] emitters = [(1550.3, 1590.7), (1620.1, 1512.4), (300.5, 3150.2), (3170.9, 60.1)];
        var whole = new float[Size * Size];
        foreach (var (x, y) in emitters)
        {
            GaussianPsf.AddExpectedPhotons(whole, Size, Size, PixelNm, x, y, 94, 120, photons);
        }

        var blocks = new float[Size * Size];
        const int rows = 5; // blocks of 5 rows: emitters straddle block edges
        for (int start = 0; start < Size; start += rows)
        {
            int end = Math.Min(Size, start + rows);
            var only = new float[Size * Size];
            foreach (var (x, y) in emitters)
            {
                GaussianPsf.AddExpectedPhotons(blocks, Size, Size, PixelNm, x, y, 94, 120, photons, start, end);
                GaussianPsf.AddExpectedPhotons(only, Size, Size, PixelNm, x, y, 94, 120, photons, start, end);
            }

            for (int j = 0; j < Size; j++)
            {
                for (int i = 0; i < Size; i++)
                {
                    if (j < start || j >= end)
                    {
                        Assert.Equal(0f, only[(j * Size) + i]);
                    }
                }
            }
        }

        Assert.Equal(whole, blocks);

        // And each pixel is N · Ex · Ey with an independent erf (MathNet), summed over the emitters.
        for (int j = 0; j < Size; j++)
        {
            for (int i = 0; i < Size; i++)
            {
                double expected = 0;
                foreach (var (x, y) in emitters)
                {
                    expected += photons * Fraction(i, x / PixelNm, 0.94) * Fraction(j, y / PixelNm, 1.2);
                }

                Assert.Equal(expected, blocks[(j * Size) + i], 2e-3 + (expected * 1e-5));
            }
        }
    }

    [Fact]
    public void AddExpectedPhotons_RowsOutsideTheImage_AreRejected()
    {
        var image = new float[Size * Size];
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianPsf.AddExpectedPhotons(image, Size, Size, PixelNm, 100, 100, 94, 94, 10, 4, Size + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianPsf.AddExpectedPhotons(image, Size, Size, PixelNm, 100, 100, 94, 94, 10, 5, 4));
    }

    private static double Fraction(int pixel, double centrePx, double sigmaPx)
    {
        // Pixels beyond the 5σ support are not drawn.
        if (pixel + 1 < centrePx - (GaussianPsf.SupportSigmas * sigmaPx) - 1 || pixel > centrePx + (GaussianPsf.SupportSigmas * sigmaPx))
        {
            return 0;
        }

        double s = Math.Sqrt(2) * sigmaPx;
        return 0.5 * (SpecialFunctions.Erf((pixel + 1 - centrePx) / s) - SpecialFunctions.Erf((pixel - centrePx) / s));
    }

    [Fact]
    public void AddExpectedPhotons_EveryPixel_EqualsProductOfErfDifferences()
    {
        const double x = 1234.5, y = 1777.7, sx = 110, sy = 130, photons = 1000;
        var image = new float[Size * Size];

        GaussianPsf.AddExpectedPhotons(image, Size, Size, PixelNm, x, y, sx, sy, photons);

        // Independent closed form with Math.NET's erf (REFERENCES.md, PSF).
        for (int j = 10; j < 25; j++)
        {
            for (int i = 5; i < 20; i++)
            {
                double ex = 0.5 * (SpecialFunctions.Erf((((i + 1) * PixelNm) - x) / (Math.Sqrt(2) * sx)) - SpecialFunctions.Erf(((i * PixelNm) - x) / (Math.Sqrt(2) * sx)));
                double ey = 0.5 * (SpecialFunctions.Erf((((j + 1) * PixelNm) - y) / (Math.Sqrt(2) * sy)) - SpecialFunctions.Erf(((j * PixelNm) - y) / (Math.Sqrt(2) * sy)));
                Assert.Equal(photons * ex * ey, image[(j * Size) + i], 2e-4);
            }
        }
    }

    [Fact]
    public void AddExpectedPhotons_EmitterOnTheEdge_LosesTheHalfOutsideTheSensor()
    {
        var image = new float[Size * Size];

        // Centre exactly on the left edge, far from the others: half of the light misses the sensor.
        GaussianPsf.AddExpectedPhotons(image, Size, Size, PixelNm, 0, 1600, 94, 94, 1000);

        Assert.Equal(500, image.Sum(v => (double)v), 0.01);
    }

    [Fact]
    public void SigmaNm_RedDyeAtNa149_IsAbout94Nm()
    {
        // REFERENCES.md: λ = 670 nm, NA 1.49 → σ ≈ 94 nm; 0.21 · 670 / 1.49 = 94.43.
        Assert.Equal(94.43, GaussianPsf.SigmaNm(670, 1.49), 0.01);
    }

    [Fact]
    public void AstigmaticSigma_FollowsHuangCurve()
    {
        var astig = new AstigmatismSettings { Sigma0XNm = 120, Sigma0YNm = 130, CxNm = -250, CyNm = 250, DNm = 400, Ax = 0.1, Bx = 0.05, Ay = -0.1, By = 0.02 };

        // At z = cx the x curve is at its minimum σ0x; at z = cy + d, u = 1 for y: σ0y √(1 + 1 + A + B).
        Assert.Equal(120, astig.SigmaXNm(-250), 1e-9);
        Assert.Equal(130 * Math.Sqrt(2 - 0.1 + 0.02), astig.SigmaYNm(650), 1e-9);
        Assert.True(astig.SigmaXNm(300) > astig.SigmaYNm(300));
    }
}
