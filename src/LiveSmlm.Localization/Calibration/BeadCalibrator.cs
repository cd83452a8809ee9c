namespace LiveSmlm.Localization;

/// <summary>What `calibrate-3d` may be told; defaults suit 100–160 nm pixels and 10–50 nm z steps.</summary>
public sealed record BeadCalibrationOptions
{
    /// <summary>Side of each bead's window, px (odd): the per-slice fit ROI and the spline's lateral extent.</summary>
    public int WindowPx { get; init; } = 15;

    /// <summary>Fewest slices a stack must have.</summary>
    public int MinSlices { get; init; } = 10;

    /// <summary>Smallest z span of the stack, nm: the curves need both foci and some defocus on either side.</summary>
    public double MinSpanNm { get; init; } = 400;

    /// <summary>A bead's peak in the background-subtracted maximum projection must exceed this many robust standard deviations of it.</summary>
    public double DetectionSigmas { get; init; } = 12;

    /// <summary>Widths above this fraction of the window are not trusted (the window cuts the PSF).</summary>
    public double MaxSigmaFractionOfWindow { get; init; } = 0.25;

    public void Validate()
    {
        Core.SettingValidation.Require(WindowPx is >= 7 and <= GaussianMle.MaxRoiSize && WindowPx % 2 == 1, "calibration.windowPx", WindowPx, $"an odd number in [7, {GaussianMle.MaxRoiSize}] px");
        Core.SettingValidation.Require(MinSlices is >= 5 and <= 10_000, "calibration.minSlices", MinSlices, "[5, 10000]");
        Core.SettingValidation.Require(DetectionSigmas is > 0 and <= 1000, "calibration.detectionSigmas", DetectionSigmas, "(0, 1000]");
    }
}

/// <summary>One slice of one bead, as the plot shows it: depth relative to the bead's focus and the fitted widths, nm.</summary>
public readonly record struct BeadWidth(int Bead, double ZNm, double SigmaXNm, double SigmaYNm);

/// <summary>The calibration and what went into it.</summary>
public sealed record BeadCalibrationResult(PsfCalibration3D Calibration, IReadOnlyList<BeadWidth> Widths, IReadOnlyList<string> Messages);

/// <summary>
/// Builds a 3D calibration from a bead z-stack (photoelectrons per pixel, one array per slice): finds the
/// beads, excludes those too close to each other, to the border or saturated (with a message each), fits an
/// elliptical Gaussian to every bead in every slice (Poisson MLE), aligns the beads on the depth where σx = σy,
/// fits σx(z) and σy(z) robustly (Huang et al. 2008 with the higher-order terms), picks the usable z range
/// (where σx² − σy² is monotonic, the data cover it and the widths fit the window), and averages the aligned
/// beads into the cubic-spline PSF samples (Li et al. 2018). Errors are <see cref="InvalidDataException"/>s that
/// say what is wrong with the stack.
/// </summary>
public static class BeadCalibrator
{
    // The beads' own lateral position is taken from the slices within this of focus (the PSF is compact there).
    private const double FocusNeighbourhoodNm = 300;

    // Step of the usable-range search, nm.
    private const double RangeSearchStepNm = 5;

    // The usable range must reach at least this far on each side of focus to be worth a calibration.
    private const double MinUsableHalfRangeNm = 150;

    // A bead is a maximum of the projection within this (Chebyshev distance, px): closer maxima are one spot.
    private const int SameSpotPx = 3;

    // Rounds of focus refinement against the pooled curves, and how far (nm) each may move a bead's focus.
    private const int AlignmentRounds = 2;
    private const double RefineReachNm = 100;

    // Savitzky–Golay smoothing of the averaged stack along z: cubic, over ±100 nm (at least ±2 slices).
    private const int SmoothingOrder = 3;
    private const double SmoothingHalfWidthNm = 100;
    private const int MinSmoothingSlices = 2;

    // Pixels cut around each bead beyond its window, so that the sub-pixel shift interpolates inside the data.
    private const int CropMarginPx = 2;

    public static BeadCalibrationResult Calibrate(
        IReadOnlyList<float[]> slices, int width, int height, double zStepNm, double pixelSizeNm, BeadCalibrationOptions options,
        IReadOnlyList<bool[]>? saturated = null, string source = "the stack")
    {
        ArgumentNullException.ThrowIfNull(slices);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int w = options.WindowPx, half = w / 2, n = slices.Count;
        if (n < options.MinSlices || (n - 1) * zStepNm < options.MinSpanNm)
        {
            throw new InvalidDataException(
                $"{source} is too short for a 3D calibration: {n} slices × {zStepNm} nm span {(n - 1) * zStepNm} nm; at least {options.MinSlices} slices spanning {options.MinSpanNm} nm are needed (e.g. 41 slices of 25 nm over ±500 nm).");
        }

        if (width < w || height < w)
        {
            throw new InvalidDataException($"{source} is {width}×{height} px, smaller than one bead window ({w}×{w} px).");
        }

        var messages = new List<string>();
        List<(int X, int Y, double Peak)> found = FindBeads(slices, width, height, options.DetectionSigmas, out string detectionNote);
        if (found.Count == 0)
        {
            throw new InvalidDataException($"No bead found in {source}: {detectionNote}. Check that the stack holds beads in focus somewhere and that the camera baseline is right.");
        }

        var excluded = new List<string>();
        var candidates = new List<(int X, int Y)>();
        for (int b = 0; b < found.Count; b++)
        {
            (int x, int y, _) = found[b];
            if (saturated is not null && SaturatedSlices(saturated, width, height, x, y, half) is { Count: > 0 } bad)
            {
                excluded.Add($"bead at ({x}, {y}) px excluded: saturated in {bad.Count} slice(s) (first {bad[0]}); lower the bead brightness or the exposure");
                continue;
            }

            int near = found.FindIndex(o => o != found[b] && Math.Max(Math.Abs(o.X - x), Math.Abs(o.Y - y)) < w);
            if (near >= 0)
            {
                excluded.Add($"bead at ({x}, {y}) px excluded: another bead at ({found[near].X}, {found[near].Y}) px lies within its {w}×{w} px window (two beads close together)");
                continue;
            }

            // The window plus the interpolation's reach (2 px) must lie inside the image.
            if (x - half - 2 < 0 || y - half - 2 < 0 || x + half + 2 >= width || y + half + 2 >= height)
            {
                excluded.Add($"bead at ({x}, {y}) px excluded: too close to the border for its {w}×{w} px window");
                continue;
            }

            candidates.Add((x, y));
        }

        var beads = new List<BeadFits>();
        foreach ((int x, int y) in candidates)
        {
            BeadFits fits = FitSlices(slices, width, x - half, y - half, w, zStepNm, options.MaxSigmaFractionOfWindow * w);
            if (!fits.FindFocus(out string why))
            {
                excluded.Add($"bead at ({x}, {y}) px excluded: {why}");
                continue;
            }

            beads.Add(fits);
        }

        if (beads.Count == 0)
        {
            throw new InvalidDataException($"No usable bead in {source}: {found.Count} found, all excluded — {string.Join("; ", excluded)}.");
        }

        // Pool the aligned widths and fit the curves (weights 1/CRLB of each width).
        (List<double> z, List<double> sx, List<double> sy, List<double> wx, List<double> wy) = Pool(beads);
        if (z.Count < 8)
        {
            throw new InvalidDataException($"{source}: only {z.Count} slices of the beads could be fitted; the beads are too faint or out of focus over the whole stack.");
        }

        AstigmaticCurveFit.Result cx = AstigmaticCurveFit.Fit(z, sx, wx);
        AstigmaticCurveFit.Result cy = AstigmaticCurveFit.Fit(z, sy, wy);

        // The crossing of one bead's own noisy widths places it to ~10 nm; each bead's focus is refined against
        // the pooled curves (its widths fitted with one z offset), then the curves are fitted again.
        for (int round = 0; round < AlignmentRounds; round++)
        {
            foreach (BeadFits bead in beads)
            {
                bead.FocusNm = RefineFocus(bead, cx, cy);
            }

            (z, sx, sy, wx, wy) = Pool(beads);
            cx = AstigmaticCurveFit.Fit(z, sx, wx);
            cy = AstigmaticCurveFit.Fit(z, sy, wy);
        }

        // z = 0 where the fitted curves cross; the beads' foci move with it.
        double crossing = Crossing(cx, cy);
        cx = cx with { CNm = cx.CNm - crossing };
        cy = cy with { CNm = cy.CNm - crossing };
        foreach (BeadFits bead in beads)
        {
            bead.FocusNm += crossing;
        }

        (double zMin, double zMax) = UsableRange(cx, cy, beads, options.MaxSigmaFractionOfWindow * w, out string rangeNote);
        if (zMax - zMin < 2 * MinUsableHalfRangeNm)
        {
            throw new InvalidDataException($"{source}: the usable z range is only [{zMin:F0}, {zMax:F0}] nm ({rangeNote}); is the astigmatic lens in the path?");
        }

        messages.Add($"usable z range [{zMin:F0}, {zMax:F0}] nm ({rangeNote})");
        SplineSamples spline = AverageBeads(slices, width, beads, w, zStepNm, zMin, zMax);
        var calibration = new PsfCalibration3D
        {
            PixelSizeNm = pixelSizeNm,
            ZStepNm = zStepNm,
            X = new CurveNm(cx.Sigma0 * pixelSizeNm, cx.CNm, cx.DNm, cx.A, cx.B),
            Y = new CurveNm(cy.Sigma0 * pixelSizeNm, cy.CNm, cy.DNm, cy.A, cy.B),
            ZMinNm = zMin,
            ZMaxNm = zMax,
            Spline = spline,
        };
        (double selfGauss, double selfSpline) = SelfCheck(calibration, slices, width, beads);
        calibration = calibration with
        {
            Quality = new CalibrationQuality
            {
                BeadsFound = found.Count,
                BeadsUsed = beads.Count,
                Excluded = excluded,
                ResidualXNm = cx.ResidualRms * pixelSizeNm,
                ResidualYNm = cy.ResidualRms * pixelSizeNm,
                SelfZRmsGauss3DNm = selfGauss,
                SelfZRmsSplineNm = selfSpline,
            },
        };
        messages.InsertRange(0, excluded);
        var widths = new List<BeadWidth>();
        for (int b = 0; b < beads.Count; b++)
        {
            widths.AddRange(beads[b].Slices.Where(s => s.Ok).Select(s => new BeadWidth(b, s.StageNm - beads[b].FocusNm, s.SigmaX * pixelSizeNm, s.SigmaY * pixelSizeNm)));
        }

        return new BeadCalibrationResult(calibration, widths, messages);
    }

    // Local maxima of the background-subtracted maximum projection (3×3 box-smoothed) above median + k·robust std.
    private static List<(int X, int Y, double Peak)> FindBeads(IReadOnlyList<float[]> slices, int width, int height, double sigmas, out string note)
    {
        var projection = new double[width * height];
        Array.Fill(projection, double.MinValue);
        foreach (float[] slice in slices)
        {
            double background = AstigmaticCurveFit.Median(slice.Select(v => (double)v));
            for (int j = 1; j < height - 1; j++)
            {
                for (int i = 1; i < width - 1; i++)
                {
                    double sum = 0;
                    for (int dj = -1; dj <= 1; dj++)
                    {
                        for (int di = -1; di <= 1; di++)
                        {
                            sum += slice[((j + dj) * width) + i + di];
                        }
                    }

                    int k = (j * width) + i;
                    projection[k] = Math.Max(projection[k], (sum / 9) - background);
                }
            }
        }

        double[] inner = [.. projection.Where(v => v > double.MinValue)];
        double median = AstigmaticCurveFit.Median(inner);
        double spread = 1.4826 * AstigmaticCurveFit.Median(inner.Select(v => Math.Abs(v - median)));
        double threshold = median + (sigmas * Math.Max(spread, 1e-3));
        var peaks = new List<(int X, int Y, double Peak)>();
        for (int j = 1; j < height - 1; j++)
        {
            for (int i = 1; i < width - 1; i++)
            {
                double v = projection[(j * width) + i];
                if (v <= threshold)
                {
                    continue;
                }

                // A maximum of its (2·SameSpotPx + 1)² neighbourhood; of equal values (a saturated bead's flat top) the first in raster order.
                bool max = true;
                for (int dj = -SameSpotPx; dj <= SameSpotPx && max; dj++)
                {
                    for (int di = -SameSpotPx; di <= SameSpotPx; di++)
                    {
                        int jj = j + dj, ii = i + di;
                        if ((di == 0 && dj == 0) || jj < 0 || ii < 0 || jj >= height || ii >= width)
                        {
                            continue;
                        }

                        double o = projection[(jj * width) + ii];
                        bool before = dj < 0 || (dj == 0 && di < 0);
                        if (o > v || (before && o == v))
                        {
                            max = false;
                            break;
                        }
                    }
                }

                if (max)
                {
                    peaks.Add((i, j, v));
                }
            }
        }

        note = peaks.Count == 0
            ? $"the brightest spot of the maximum projection is {inner.Max() - median:G3} photoelectrons above the background, below the threshold of {threshold - median:G3} ({sigmas} robust standard deviations)"
            : $"{peaks.Count} found";
        return peaks;
    }

    private static List<int> SaturatedSlices(IReadOnlyList<bool[]> saturated, int width, int height, int x, int y, int half)
    {
        var bad = new List<int>();
        for (int k = 0; k < saturated.Count; k++)
        {
            bool any = false;
            for (int j = Math.Max(0, y - half); j <= Math.Min(height - 1, y + half) && !any; j++)
            {
                for (int i = Math.Max(0, x - half); i <= Math.Min(width - 1, x + half); i++)
                {
                    any |= saturated[k][(j * width) + i];
                }
            }

            if (any)
            {
                bad.Add(k);
            }
        }

        return bad;
    }

    private static BeadFits FitSlices(IReadOnlyList<float[]> slices, int width, int x0, int y0, int w, double zStepNm, double maxSigmaPx)
    {
        var roi = new float[w * w];
        var fits = new BeadFits(x0, y0);
        for (int k = 0; k < slices.Count; k++)
        {
            for (int j = 0; j < w; j++)
            {
                Array.Copy(slices[k], ((y0 + j) * width) + x0, roi, j * w, w);
            }

            ParameterVector theta = default;
            ModelFit.InitialEstimate(new ArrayPixels(roi, 0), w, ref theta);
            theta[4] = 1.5f;
            theta[5] = 1.5f;
            var model = new EllipticalGaussianModel(w);
            FitStatus status = ModelFit.Fit(ref model, new ArrayPixels(roi, 0), default(ZeroPixels), w, 100, 1f, ref theta, out ParameterVector crlb, out _, out _);
            bool ok = status == FitStatus.Ok && theta[4] < maxSigmaPx && theta[5] < maxSigmaPx && crlb[4] > 0 && crlb[5] > 0
                && theta[2] > 10 * MathF.Sqrt(crlb[2]);
            fits.Slices.Add(new SliceFit(k * zStepNm, theta[0], theta[1], theta[2], theta[3], theta[4], theta[5], crlb[4], crlb[5], ok));
        }

        return fits;
    }

    private static (List<double> Z, List<double> Sx, List<double> Sy, List<double> Wx, List<double> Wy) Pool(List<BeadFits> beads)
    {
        var z = new List<double>();
        var sx = new List<double>();
        var sy = new List<double>();
        var wx = new List<double>();
        var wy = new List<double>();
        foreach (BeadFits bead in beads)
        {
            foreach (SliceFit s in bead.Slices.Where(s => s.Ok))
            {
                z.Add(s.StageNm - bead.FocusNm);
                sx.Add(s.SigmaX);
                sy.Add(s.SigmaY);
                wx.Add(1 / s.VarSigmaX);
                wy.Add(1 / s.VarSigmaY);
            }
        }

        return (z, sx, sy, wx, wy);
    }

    // The focus f minimising Σ w[(σx − Sx(stage − f))² + (σy − Sy(stage − f))²] over the bead's slices: a 1 nm
    // scan of ±RefineReachNm about the current focus, then a parabola through the best three.
    private static double RefineFocus(BeadFits bead, AstigmaticCurveFit.Result x, AstigmaticCurveFit.Result y)
    {
        double[] px = [x.Sigma0, x.CNm, x.DNm, x.A, x.B], py = [y.Sigma0, y.CNm, y.DNm, y.A, y.B];
        List<SliceFit> ok = [.. bead.Slices.Where(s => s.Ok)];
        double Cost(double f)
        {
            double sum = 0;
            foreach (SliceFit s in ok)
            {
                double dx = s.SigmaX - AstigmaticCurveFit.Model(px, s.StageNm - f), dy = s.SigmaY - AstigmaticCurveFit.Model(py, s.StageNm - f);
                sum += (dx * dx / s.VarSigmaX) + (dy * dy / s.VarSigmaY);
            }

            return sum;
        }

        double best = bead.FocusNm, bestCost = Cost(best);
        for (double f = bead.FocusNm - RefineReachNm; f <= bead.FocusNm + RefineReachNm; f += 1)
        {
            double c = Cost(f);
            if (c < bestCost)
            {
                best = f;
                bestCost = c;
            }
        }

        double lo = Cost(best - 1), hi = Cost(best + 1), curvature = lo + hi - (2 * bestCost);
        return curvature > 0 ? best + (0.5 * (lo - hi) / curvature) : best;
    }

    private static double Crossing(AstigmaticCurveFit.Result x, AstigmaticCurveFit.Result y)
    {
        double Difference(double z) => AstigmaticCurveFit.Model([x.Sigma0, x.CNm, x.DNm, x.A, x.B], z) - AstigmaticCurveFit.Model([y.Sigma0, y.CNm, y.DNm, y.A, y.B], z);
        double lo = Math.Min(x.CNm, y.CNm), hi = Math.Max(x.CNm, y.CNm);
        if (Math.Sign(Difference(lo)) == Math.Sign(Difference(hi)))
        {
            return 0.5 * (lo + hi);
        }

        for (int i = 0; i < 60; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (Math.Sign(Difference(mid)) == Math.Sign(Difference(lo)))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }

    // From focus outwards while: σx² − σy² keeps its slope's sign, both widths fit the window, and at least half the beads were measured there.
    private static (double Min, double Max) UsableRange(AstigmaticCurveFit.Result x, AstigmaticCurveFit.Result y, List<BeadFits> beads, double maxSigmaPx, out string note)
    {
        double Sx(double z) => AstigmaticCurveFit.Model([x.Sigma0, x.CNm, x.DNm, x.A, x.B], z);
        double Sy(double z) => AstigmaticCurveFit.Model([y.Sigma0, y.CNm, y.DNm, y.A, y.B], z);
        double D(double z) => (Sx(z) * Sx(z)) - (Sy(z) * Sy(z));
        int sign = Math.Sign(D(RangeSearchStepNm) - D(-RangeSearchStepNm));
        string[] reasons = new string[2];
        double[] ends = new double[2];
        for (int side = 0; side < 2; side++)
        {
            double dir = side == 0 ? -1 : 1, z = 0;
            while (true)
            {
                double next = z + (dir * RangeSearchStepNm);
                if (Math.Sign((D(next) - D(z)) * dir) != sign)
                {
                    reasons[side] = "σx² − σy² turns";
                    break;
                }

                if (Sx(next) > maxSigmaPx || Sy(next) > maxSigmaPx)
                {
                    reasons[side] = "widths reach a quarter of the window";
                    break;
                }

                int covering = beads.Count(b => b.Covers(next));
                if (2 * covering < beads.Count)
                {
                    reasons[side] = "end of the beads' data";
                    break;
                }

                z = next;
            }

            ends[side] = z;
        }

        note = $"below: {reasons[0]}; above: {reasons[1]}";
        return (ends[0], ends[1]);
    }

    // The spline samples: each bead's background-subtracted stack, cut with a margin and interpolated by its own
    // tricubic spline (interpolating: it keeps the PSF's width, where cubic convolution would blur it) onto a
    // window centred on the bead at depth = stage − focus, summed over beads (so weighted by their photons),
    // each slice normalised to sum 1.
    private static SplineSamples AverageBeads(IReadOnlyList<float[]> slices, int width, List<BeadFits> beads, int w, double zStepNm, double zMin, double zMax)
    {
        double start = (Math.Floor(zMin / zStepNm) - 1) * zStepNm, end = (Math.Ceiling(zMax / zStepNm) + 1) * zStepNm;
        int count = (int)Math.Round((end - start) / zStepNm) + 1;
        var sum = new double[count * w * w];
        var covered = new bool[count];
        int crop = w + (2 * CropMarginPx), n = slices.Count;
        foreach (BeadFits bead in beads)
        {
            (double bx, double by, _) = bead.Centre();
            int cx0 = (int)Math.Floor(bx) - (crop / 2), cy0 = (int)Math.Floor(by) - (crop / 2);
            var stack = new double[n * crop * crop];
            for (int k = 0; k < n; k++)
            {
                double background = bead.Slices[k].Background;
                for (int j = 0; j < crop; j++)
                {
                    for (int i = 0; i < crop; i++)
                    {
                        stack[(((k * crop) + j) * crop) + i] = slices[k][((cy0 + j) * width) + cx0 + i] - background;
                    }
                }
            }

            var grid = new SplineGrid(crop, n, 0, 1);
            float[] c = CubicSplineCoefficients.Build(stack, grid);
            for (int s = 0; s < count; s++)
            {
                double f = (start + (s * zStepNm) + bead.FocusNm) / zStepNm;
                if (f < 0 || f > n - 1)
                {
                    continue;
                }

                for (int j = 0; j < w; j++)
                {
                    for (int i = 0; i < w; i++)
                    {
                        // Sample (i, j) lies (i + ½ − W/2, j + ½ − W/2) px from the bead; crop sample m sits at pixel centre cx0 + m + ½.
                        double u = bx + i + 0.5 - (0.5 * w) - 0.5 - cx0, v = by + j + 0.5 - (0.5 * w) - 0.5 - cy0;
                        sum[(((s * w) + j) * w) + i] += CubicSplineCoefficients.Evaluate(c, grid, u, v, f);
                    }
                }

                covered[s] = true;
            }
        }

        // Trim the ends no bead reached, then smooth along z.
        int first = Array.IndexOf(covered, true), last = Array.LastIndexOf(covered, true);
        int kept = last - first + 1;
        SmoothAlongZ(sum, first, kept, w * w, Math.Max(MinSmoothingSlices, (int)Math.Round(SmoothingHalfWidthNm / zStepNm)));
        var samples = new float[kept * w * w];
        for (int s = 0; s < kept; s++)
        {
            double total = 0;
            for (int p = 0; p < w * w; p++)
            {
                total += sum[((first + s) * w * w) + p];
            }

            for (int p = 0; p < w * w; p++)
            {
                samples[(s * w * w) + p] = total > 0 ? (float)(sum[((first + s) * w * w) + p] / total) : 0f;
            }
        }

        return new SplineSamples(w, kept, start + (first * zStepNm), zStepNm, samples);
    }

    // Local cubic least squares (Savitzky–Golay, order 3) over ±h slices, clipped at the ends, for every pixel:
    // the bead noise of single slices would otherwise make the spline's width wiggle with z (a 1 nm wiggle in σ is
    // 5–10 nm in z), and a cubic keeps the PSF's own z-dependence (quadratic about each focus) unbiased. SMAP
    // likewise smooths its bead average along z before the spline (fit3Dcspline's smoothing parameter).
    private static void SmoothAlongZ(double[] stack, int first, int count, int pixels, int h)
    {
        var weights = new double[count][];
        for (int s = 0; s < count; s++)
        {
            int lo = Math.Max(0, s - h), hi = Math.Min(count - 1, s + h), m = hi - lo + 1;
            int order = Math.Min(SmoothingOrder, m - 1);
            var normal = new double[order + 1, order + 1];
            for (int k = lo; k <= hi; k++)
            {
                for (int a = 0; a <= order; a++)
                {
                    for (int b = 0; b <= order; b++)
                    {
                        normal[a, b] += Math.Pow(k - s, a + b);
                    }
                }
            }

            // Row 0 of (VᵀV)⁻¹Vᵀ: the weights that give the local polynomial's value at s.
            double[] e0 = SolveSmall(normal, order + 1);
            weights[s] = new double[m];
            for (int k = lo; k <= hi; k++)
            {
                double wk = 0;
                for (int a = 0; a <= order; a++)
                {
                    wk += e0[a] * Math.Pow(k - s, a);
                }

                weights[s][k - lo] = wk;
            }
        }

        var line = new double[count];
        for (int p = 0; p < pixels; p++)
        {
            for (int s = 0; s < count; s++)
            {
                line[s] = stack[((first + s) * pixels) + p];
            }

            for (int s = 0; s < count; s++)
            {
                int lo = Math.Max(0, s - h);
                double v = 0;
                for (int k = 0; k < weights[s].Length; k++)
                {
                    v += weights[s][k] * line[lo + k];
                }

                stack[((first + s) * pixels) + p] = v;
            }
        }
    }

    // Solves M·x = e₀ for a small symmetric positive-definite M (Gauss–Jordan).
    private static double[] SolveSmall(double[,] m, int n)
    {
        var a = (double[,])m.Clone();
        var x = new double[n];
        x[0] = 1;
        for (int c = 0; c < n; c++)
        {
            double pivot = a[c, c];
            for (int k = 0; k < n; k++)
            {
                a[c, k] /= pivot;
            }

            x[c] /= pivot;
            for (int r = 0; r < n; r++)
            {
                if (r != c)
                {
                    double f = a[r, c];
                    for (int k = 0; k < n; k++)
                    {
                        a[r, k] -= f * a[c, k];
                    }

                    x[r] -= f * x[c];
                }
            }
        }

        return x;
    }

    // Fits every used bead's slices within the usable range with both models: RMS of (fitted z − (stage − focus)).
    private static (double Gauss, double Spline) SelfCheck(PsfCalibration3D calibration, IReadOnlyList<float[]> slices, int width, List<BeadFits> beads)
    {
        int w = calibration.Spline!.WindowPx, roi = w - 2;
        float[] coefficients = calibration.SplineCoefficients();
        (float splineMin, float splineMax) = calibration.SplineZRange();
        var pixels = new float[roi * roi];
        double gauss = 0, spline = 0;
        int ng = 0, ns = 0;
        Fit3DOptions options = Fit3DOptions.Create();
        foreach (BeadFits bead in beads)
        {
            (double bx, double by, _) = bead.Centre();
            int x0 = (int)Math.Floor(bx) - (roi / 2), y0 = (int)Math.Floor(by) - (roi / 2);
            for (int k = 0; k < slices.Count; k++)
            {
                double truth = bead.Slices[k].StageNm - bead.FocusNm;
                if (truth <= calibration.ZMinNm || truth >= calibration.ZMaxNm)
                {
                    continue;
                }

                for (int j = 0; j < roi; j++)
                {
                    Array.Copy(slices[k], ((y0 + j) * width) + x0, pixels, j * roi, roi);
                }

                AstigmaticGaussianModel g = calibration.GaussModel(roi);
                Fit3DResult rg = Emitter3D.Fit(ref g, new ArrayPixels(pixels, 0), default(ZeroPixels), roi, options);
                if (rg.Status == FitStatus.Ok)
                {
                    gauss += (rg.ZNm - truth) * (rg.ZNm - truth);
                    ng++;
                }

                var s = new SplinePsfModel<ArrayPixels>(new ArrayPixels(coefficients, 0), calibration.Spline.Grid, splineMin, splineMax);
                Fit3DResult rs = Emitter3D.Fit(ref s, new ArrayPixels(pixels, 0), default(ZeroPixels), roi, options);
                if (rs.Status == FitStatus.Ok)
                {
                    spline += (rs.ZNm - truth) * (rs.ZNm - truth);
                    ns++;
                }
            }
        }

        return (ng > 0 ? Math.Sqrt(gauss / ng) : double.NaN, ns > 0 ? Math.Sqrt(spline / ns) : double.NaN);
    }

    private readonly record struct SliceFit(double StageNm, float X, float Y, float Photons, float Background, float SigmaX, float SigmaY, float VarSigmaX, float VarSigmaY, bool Ok);

    private sealed class BeadFits(int x0, int y0)
    {
        public int X0 { get; } = x0;

        public int Y0 { get; } = y0;

        public List<SliceFit> Slices { get; } = [];

        /// <summary>Stage z at which the bead's σx = σy, nm.</summary>
        public double FocusNm { get; set; }

        public bool Covers(double zNm)
        {
            double stage = zNm + FocusNm;
            return Slices.Any(s => s.Ok && s.StageNm <= stage) && Slices.Any(s => s.Ok && s.StageNm >= stage);
        }

        // Sign change of σx − σy nearest the slice of the smallest σx + σy, interpolated linearly.
        public bool FindFocus(out string why)
        {
            List<SliceFit> ok = [.. Slices.Where(s => s.Ok)];
            if (ok.Count < 6)
            {
                why = $"only {ok.Count} of {Slices.Count} slices could be fitted (too faint, or out of focus throughout)";
                return false;
            }

            int narrowest = 0;
            for (int i = 1; i < ok.Count; i++)
            {
                if (ok[i].SigmaX + ok[i].SigmaY < ok[narrowest].SigmaX + ok[narrowest].SigmaY)
                {
                    narrowest = i;
                }
            }

            double best = double.NaN, bestDistance = double.MaxValue;
            for (int i = 0; i + 1 < ok.Count; i++)
            {
                double d0 = ok[i].SigmaX - ok[i].SigmaY, d1 = ok[i + 1].SigmaX - ok[i + 1].SigmaY;
                if (d0 == 0 || Math.Sign(d0) != Math.Sign(d1))
                {
                    double z = ok[i].StageNm + ((ok[i + 1].StageNm - ok[i].StageNm) * d0 / (d0 - d1));
                    double distance = Math.Abs(z - ok[narrowest].StageNm);
                    if (distance < bestDistance)
                    {
                        best = z;
                        bestDistance = distance;
                    }
                }
            }

            if (double.IsNaN(best))
            {
                why = "σx and σy never cross in the stack (no astigmatism, or its focus lies outside the stack)";
                return false;
            }

            FocusNm = best;
            why = string.Empty;
            return true;
        }

        // Lateral position (image px, corner origin) and photons from the slices near focus.
        public (double X, double Y, double Photons) Centre()
        {
            List<SliceFit> near = [.. Slices.Where(s => s.Ok && Math.Abs(s.StageNm - FocusNm) <= FocusNeighbourhoodNm)];
            if (near.Count == 0)
            {
                near = [.. Slices.Where(s => s.Ok)];
            }

            return (X0 + AstigmaticCurveFit.Median(near.Select(s => (double)s.X)), Y0 + AstigmaticCurveFit.Median(near.Select(s => (double)s.Y)),
                AstigmaticCurveFit.Median(near.Select(s => (double)s.Photons)));
        }
    }
}
