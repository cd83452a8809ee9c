namespace LiveSmlm.Localization;

/// <summary>Two emitters fitted jointly in one ROI (positions px in ROI coordinates, photoelectrons).</summary>
public struct TwoEmitterResult
{
    public float X1, Y1, Photons1;
    public float X2, Y2, Photons2;
    public float Background;

    /// <summary>CRLB variances of the positions, px² (F² included).</summary>
    public float CrlbX1, CrlbY1, CrlbX2, CrlbY2;
    public float LogLikelihoodRatio;
    public int Iterations;
    public bool Converged;
}

/// <summary>
/// Poisson MLE of two pixel-integrated Gaussians of fixed σ plus a flat background (7 parameters),
/// Fisher scoring in double precision with the single fit's step limits. CPU only (uses stack spans);
/// the multi-emitter path is rare enough that the GPU can hand such ROIs back.
/// </summary>
public static class TwoEmitterMle
{
    private const int Parameters = 7; // x1, y1, N1, x2, y2, N2, b
    private const double MaxPositionStepPx = 1.0;
    private const double MinModel = 1e-4;

    // Converged when the step is shorter than 1 % of a standard deviation (as in GaussianMle).
    private const double ConvergedDecrement = 1e-4;

    // The start splits the single spot along its long axis by half the excess width, clipped to a
    // range where two emitters can hide in one spot of width σ: below ~0.4 px the pair is one spot.
    private const double MinHalfSeparationPx = 0.4;
    private const double MaxHalfSeparationPx = 2.0;

    /// <summary>
    /// Fits two emitters starting from the single-emitter fit <paramref name="single"/>, split along
    /// the principal axis of the ROI's excess second moments.
    /// </summary>
    public static TwoEmitterResult Fit<TPixels, TVariance>(
        TPixels pixels, TVariance readVariance, int roiSize, float sigmaPx, in FitResult single, int maxIterations, float excessNoiseFactor)
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        Span<double> p = stackalloc double[Parameters];
        Span<double> step = stackalloc double[Parameters];
        Span<double> gradient = stackalloc double[Parameters];
        Span<double> fisher = stackalloc double[Parameters * Parameters];
        InitialSplit(pixels, roiSize, sigmaPx, single, p);

        var result = default(TwoEmitterResult);
        Span<double> lastStep = stackalloc double[Parameters];
        lastStep.Clear();
        double damping = 1;
        int iteration = 0;
        while (iteration < maxIterations)
        {
            iteration++;
            Accumulate(pixels, readVariance, roiSize, sigmaPx, p, fisher, gradient);
            if (!CholeskySolve(fisher, gradient, step))
            {
                break;
            }

            // Newton decrement gᵀΔ: squared step in units of the parameters' own standard deviations.
            // A pair fitted to one emitter is degenerate along the split; there this ends the fit
            // early, where step sizes alone would crawl to the iteration limit.
            double decrement = 0;
            for (int k = 0; k < Parameters; k++)
            {
                decrement += gradient[k] * step[k];
            }

            // A position step that reverses the previous one is oscillation: halve the steps until it stops.
            bool reversed = false;
            for (int k = 0; k < Parameters; k++)
            {
                reversed |= k is 0 or 1 or 3 or 4 && step[k] * lastStep[k] < 0 && Math.Abs(lastStep[k]) > 1e-3;
            }

            damping = reversed ? damping * 0.5 : Math.Min(1, damping * 2);
            double largest = 0;
            for (int k = 0; k < Parameters; k++)
            {
                step[k] *= damping;
                lastStep[k] = step[k];
                bool isPosition = k is 0 or 1 or 3 or 4;
                if (isPosition)
                {
                    step[k] = Math.Clamp(step[k], -MaxPositionStepPx, MaxPositionStepPx);
                    largest = Math.Max(largest, Math.Abs(step[k]));
                    p[k] += step[k];
                }
                else
                {
                    double next = p[k] + step[k];
                    double change = next > 0 ? step[k] : -0.5 * p[k];
                    largest = Math.Max(largest, Math.Abs(change) / Math.Max(p[k], 1.0));
                    p[k] += change;
                }
            }

            if (!double.IsFinite(largest))
            {
                break;
            }

            if (largest < 1e-3 || decrement < ConvergedDecrement)
            {
                result.Converged = true;
                break;
            }
        }

        Accumulate(pixels, readVariance, roiSize, sigmaPx, p, fisher, gradient);
        Span<double> unit = stackalloc double[Parameters];
        Span<double> column = stackalloc double[Parameters];
        Span<double> diagonal = stackalloc double[Parameters];
        bool invertible = true;
        for (int k = 0; k < Parameters && invertible; k++)
        {
            unit.Clear();
            unit[k] = 1;
            invertible = CholeskySolve(fisher, unit, column);
            diagonal[k] = column[k];
        }

        result.X1 = (float)p[0];
        result.Y1 = (float)p[1];
        result.Photons1 = (float)p[2];
        result.X2 = (float)p[3];
        result.Y2 = (float)p[4];
        result.Photons2 = (float)p[5];
        result.Background = (float)p[6];
        result.CrlbX1 = (float)(excessNoiseFactor * diagonal[0]);
        result.CrlbY1 = (float)(excessNoiseFactor * diagonal[1]);
        result.CrlbX2 = (float)(excessNoiseFactor * diagonal[3]);
        result.CrlbY2 = (float)(excessNoiseFactor * diagonal[4]);
        result.LogLikelihoodRatio = (float)LogLikelihoodRatio(pixels, readVariance, roiSize, sigmaPx, p);
        result.Iterations = iteration;
        result.Converged &= invertible;
        return result;
    }

    private static void InitialSplit<TPixels>(TPixels pixels, int roiSize, float sigmaPx, in FitResult single, Span<double> p)
        where TPixels : struct, IPixels
    {
        double sw = 0, sxx = 0, syy = 0, sxy = 0;
        for (int j = 0; j < roiSize; j++)
        {
            for (int i = 0; i < roiSize; i++)
            {
                double w = pixels[(j * roiSize) + i] - single.Background;
                if (w <= 0)
                {
                    continue;
                }

                double dx = i + 0.5 - single.X, dy = j + 0.5 - single.Y;
                sw += w;
                sxx += w * dx * dx;
                syy += w * dy * dy;
                sxy += w * dx * dy;
            }
        }

        double cxx = sw > 0 ? sxx / sw : 0, cyy = sw > 0 ? syy / sw : 0, cxy = sw > 0 ? sxy / sw : 0;
        double half = 0.5 * (cxx - cyy);
        double root = Math.Sqrt((half * half) + (cxy * cxy));
        double major = (0.5 * (cxx + cyy)) + root;
        double angle = 0.5 * Math.Atan2(2 * cxy, cxx - cyy);
        // Pixel-integrated PSF variance along an axis ≈ σ² + 1/12; the rest is the pair's half-separation².
        double excess = major - ((double)sigmaPx * sigmaPx) - (1.0 / 12);
        double halfSeparation = Math.Clamp(Math.Sqrt(Math.Max(excess, 0)), MinHalfSeparationPx, MaxHalfSeparationPx);
        double ux = Math.Cos(angle) * halfSeparation, uy = Math.Sin(angle) * halfSeparation;
        double photons = Math.Max(single.Photons, 2) / 2;
        p[0] = single.X + ux;
        p[1] = single.Y + uy;
        p[2] = photons;
        p[3] = single.X - ux;
        p[4] = single.Y - uy;
        p[5] = photons;
        p[6] = Math.Max(single.Background, MinModel);
    }

    // Unrolled into locals (28 Fisher terms, 7 score terms): span indexing in the pixel loop cost 3×.
    private static void Accumulate<TPixels, TVariance>(
        TPixels pixels, TVariance readVariance, int roiSize, float sigmaPx, ReadOnlySpan<double> p, Span<double> fisher, Span<double> gradient)
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        AxisTable x1 = default, y1 = default, x2 = default, y2 = default;
        x1.Fill(roiSize, (float)p[0], sigmaPx);
        y1.Fill(roiSize, (float)p[1], sigmaPx);
        x2.Fill(roiSize, (float)p[3], sigmaPx);
        y2.Fill(roiSize, (float)p[4], sigmaPx);
        double n1 = p[2], n2 = p[5], b = p[6];
        double f00 = 0;
        double f10 = 0, f11 = 0;
        double f20 = 0, f21 = 0, f22 = 0;
        double f30 = 0, f31 = 0, f32 = 0, f33 = 0;
        double f40 = 0, f41 = 0, f42 = 0, f43 = 0, f44 = 0;
        double f50 = 0, f51 = 0, f52 = 0, f53 = 0, f54 = 0, f55 = 0;
        double f60 = 0, f61 = 0, f62 = 0, f63 = 0, f64 = 0, f65 = 0, f66 = 0;
        double g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0;
        for (int j = 0; j < roiSize; j++)
        {
            double ey1 = y1.Integral(j), dy1 = y1.DerivativePosition(j);
            double ey2 = y2.Integral(j), dy2 = y2.DerivativePosition(j);
            int row = j * roiSize;
            for (int i = 0; i < roiSize; i++)
            {
                double ex1 = x1.Integral(i), ex2 = x2.Integral(i);
                double e1 = ex1 * ey1, e2 = ex2 * ey2;
                double v = readVariance[row + i];
                double mu = Math.Max((n1 * e1) + (n2 * e2) + b + v, MinModel);
                double d = pixels[row + i] + v;
                double j0 = n1 * x1.DerivativePosition(i) * ey1;
                double j1 = n1 * ex1 * dy1;
                double j2 = e1;
                double j3 = n2 * x2.DerivativePosition(i) * ey2;
                double j4 = n2 * ex2 * dy2;
                double j5 = e2;
                double w = 1 / mu, r = (d * w) - 1;
                g0 += r * j0;
                g1 += r * j1;
                g2 += r * j2;
                g3 += r * j3;
                g4 += r * j4;
                g5 += r * j5;
                g6 += r;
                double w0 = w * j0;
                f00 += w0 * j0;
                double w1 = w * j1;
                f10 += w1 * j0;
                f11 += w1 * j1;
                double w2 = w * j2;
                f20 += w2 * j0;
                f21 += w2 * j1;
                f22 += w2 * j2;
                double w3 = w * j3;
                f30 += w3 * j0;
                f31 += w3 * j1;
                f32 += w3 * j2;
                f33 += w3 * j3;
                double w4 = w * j4;
                f40 += w4 * j0;
                f41 += w4 * j1;
                f42 += w4 * j2;
                f43 += w4 * j3;
                f44 += w4 * j4;
                double w5 = w * j5;
                f50 += w5 * j0;
                f51 += w5 * j1;
                f52 += w5 * j2;
                f53 += w5 * j3;
                f54 += w5 * j4;
                f55 += w5 * j5;
                f60 += w * j0;
                f61 += w * j1;
                f62 += w * j2;
                f63 += w * j3;
                f64 += w * j4;
                f65 += w * j5;
                f66 += w;
            }
        }

        gradient[0] = g0;
        gradient[1] = g1;
        gradient[2] = g2;
        gradient[3] = g3;
        gradient[4] = g4;
        gradient[5] = g5;
        gradient[6] = g6;
        fisher[0] = f00;
        fisher[7] = f10;
        fisher[1] = f10;
        fisher[8] = f11;
        fisher[14] = f20;
        fisher[2] = f20;
        fisher[15] = f21;
        fisher[9] = f21;
        fisher[16] = f22;
        fisher[21] = f30;
        fisher[3] = f30;
        fisher[22] = f31;
        fisher[10] = f31;
        fisher[23] = f32;
        fisher[17] = f32;
        fisher[24] = f33;
        fisher[28] = f40;
        fisher[4] = f40;
        fisher[29] = f41;
        fisher[11] = f41;
        fisher[30] = f42;
        fisher[18] = f42;
        fisher[31] = f43;
        fisher[25] = f43;
        fisher[32] = f44;
        fisher[35] = f50;
        fisher[5] = f50;
        fisher[36] = f51;
        fisher[12] = f51;
        fisher[37] = f52;
        fisher[19] = f52;
        fisher[38] = f53;
        fisher[26] = f53;
        fisher[39] = f54;
        fisher[33] = f54;
        fisher[40] = f55;
        fisher[42] = f60;
        fisher[6] = f60;
        fisher[43] = f61;
        fisher[13] = f61;
        fisher[44] = f62;
        fisher[20] = f62;
        fisher[45] = f63;
        fisher[27] = f63;
        fisher[46] = f64;
        fisher[34] = f64;
        fisher[47] = f65;
        fisher[41] = f65;
        fisher[48] = f66;
    }

    private static double LogLikelihoodRatio<TPixels, TVariance>(TPixels pixels, TVariance readVariance, int roiSize, float sigmaPx, ReadOnlySpan<double> p)
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        AxisTable x1 = default, y1 = default, x2 = default, y2 = default;
        x1.Fill(roiSize, (float)p[0], sigmaPx);
        y1.Fill(roiSize, (float)p[1], sigmaPx);
        x2.Fill(roiSize, (float)p[3], sigmaPx);
        y2.Fill(roiSize, (float)p[4], sigmaPx);
        double sum = 0;
        for (int j = 0; j < roiSize; j++)
        {
            for (int i = 0; i < roiSize; i++)
            {
                double v = readVariance[(j * roiSize) + i];
                double mu = Math.Max((p[2] * x1.Integral(i) * y1.Integral(j)) + (p[5] * x2.Integral(i) * y2.Integral(j)) + p[6] + v, MinModel);
                double d = pixels[(j * roiSize) + i] + v;
                sum += mu - d;
                if (d > 0)
                {
                    sum += d * Math.Log(d / mu);
                }
            }
        }

        return 2 * sum;
    }

    // Dense Cholesky of the 7×7 Fisher matrix (row-major, symmetric), then two triangular solves.
    private static bool CholeskySolve(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> x)
    {
        Span<double> l = stackalloc double[Parameters * Parameters];
        for (int j = 0; j < Parameters; j++)
        {
            double d = a[(j * Parameters) + j];
            for (int k = 0; k < j; k++)
            {
                d -= l[(j * Parameters) + k] * l[(j * Parameters) + k];
            }

            if (!(d > 1e-12 * Math.Abs(a[(j * Parameters) + j])) || !(d > 0))
            {
                return false;
            }

            double ljj = Math.Sqrt(d);
            l[(j * Parameters) + j] = ljj;
            for (int i = j + 1; i < Parameters; i++)
            {
                double s = a[(i * Parameters) + j];
                for (int k = 0; k < j; k++)
                {
                    s -= l[(i * Parameters) + k] * l[(j * Parameters) + k];
                }

                l[(i * Parameters) + j] = s / ljj;
            }
        }

        for (int i = 0; i < Parameters; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++)
            {
                s -= l[(i * Parameters) + k] * x[k];
            }

            x[i] = s / l[(i * Parameters) + i];
        }

        for (int i = Parameters - 1; i >= 0; i--)
        {
            double s = x[i];
            for (int k = i + 1; k < Parameters; k++)
            {
                s -= l[(k * Parameters) + i] * x[k];
            }

            x[i] = s / l[(i * Parameters) + i];
        }

        return true;
    }
}
