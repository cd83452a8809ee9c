namespace LiveSmlm.Simulation.Optics;

/// <summary>
/// A PSF given as an image sampled at 1/<see cref="Oversampling"/> of a camera pixel (e.g. a pupil-function
/// PSF), drawn onto the camera with sub-pixel shifts: the samples are moved to the emitter's position by
/// linear (cloud-in-cell) assignment onto the sub-pixel grid and summed over each camera pixel. Both steps
/// only redistribute each sample's share, so the photons drawn equal the emitter's photons exactly (less
/// what falls off the sensor).
/// </summary>
/// <remarks>
/// Because both steps are linear, the pixel sums of the k² integer sub-pixel phases are made once
/// (<see cref="_phases"/>), and an emitter is the bilinear blend of four of them: 4·Q² additions. Immutable after
/// construction; any number of threads may draw with it.
/// </remarks>
public sealed class SampledPsf
{
    private readonly float[] _phases;    // [φy][φx][qy][qx]: the PSF's samples summed per camera pixel, started at sub-pixel phase (φx, φy)
    private readonly int _samples;

    /// <param name="psf">n × n samples, row-major, centred at (n/2, n/2), summing to 1 (as <see cref="PupilPsf"/> makes them).</param>
    /// <param name="n">Samples per side.</param>
    /// <param name="oversampling">Samples per camera pixel (≥ 1).</param>
    public SampledPsf(ReadOnlySpan<double> psf, int n, int oversampling)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(oversampling, 1);
        if (psf.Length != n * n)
        {
            throw new ArgumentException($"The PSF holds {psf.Length} samples; {n}² are needed.", nameof(psf));
        }

        _samples = n;
        Oversampling = oversampling;
        int k = oversampling;
        SidePx = ((k - 1 + n - 1) / k) + 1;
        int q = SidePx;

        // Rows first: for each x phase, each sample row summed into camera-pixel columns.
        var rows = new double[k * n * q];
        for (int phx = 0; phx < k; phx++)
        {
            for (int j = 0; j < n; j++)
            {
                for (int i = 0; i < n; i++)
                {
                    rows[(((phx * n) + j) * q) + ((phx + i) / k)] += psf[(j * n) + i];
                }
            }
        }

        // Then columns, for each y phase.
        _phases = new float[k * k * q * q];
        var column = new double[q];
        for (int phy = 0; phy < k; phy++)
        {
            for (int phx = 0; phx < k; phx++)
            {
                for (int qx = 0; qx < q; qx++)
                {
                    Array.Clear(column);
                    for (int j = 0; j < n; j++)
                    {
                        column[(phy + j) / k] += rows[(((phx * n) + j) * q) + qx];
                    }

                    for (int qy = 0; qy < q; qy++)
                    {
                        _phases[Index(phx, phy, qx, qy)] = (float)column[qy];
                    }
                }
            }
        }
    }

    /// <summary>PSF samples per camera pixel along each axis.</summary>
    public int Oversampling { get; }

    /// <summary>Side of the drawn window, camera pixels.</summary>
    public int SidePx { get; }

    /// <summary>Farthest a drawn pixel lies from the emitter, camera pixels (for skipping row blocks).</summary>
    public double ReachPx => ((_samples / 2.0) + 1) / Oversampling + 1;

    /// <summary>
    /// Adds one emitter's expected photons to rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) of a
    /// row-major image (position in pixels from the top-left corner, the project's convention). Each pixel gets
    /// the same value whatever the row range, so row blocks drawn on different threads make the same image.
    /// </summary>
    public void AddExpectedPhotons(Span<float> image, int widthPx, int heightPx, double xPx, double yPx, double photons, int rowStart, int rowEnd)
    {
        if (widthPx <= 0 || heightPx <= 0 || image.Length < widthPx * heightPx)
        {
            throw new ArgumentException($"Image holds {image.Length} pixels; {widthPx}×{heightPx} are needed.", nameof(image));
        }

        if (rowStart < 0 || rowEnd > heightPx || rowStart > rowEnd)
        {
            throw new ArgumentOutOfRangeException(nameof(rowStart), $"Rows [{rowStart}, {rowEnd}) must lie within [0, {heightPx}).");
        }

        if (!(photons > 0) || !double.IsFinite(xPx) || !double.IsFinite(yPx))
        {
            return;
        }

        (int mx, double fx) = Base(xPx);
        (int my, double fy) = Base(yPx);
        for (int dy = 0; dy <= 1; dy++)
        {
            double wy = dy == 0 ? 1 - fy : fy;
            for (int dx = 0; dx <= 1; dx++)
            {
                double w = photons * wy * (dx == 0 ? 1 - fx : fx);
                if (w > 0)
                {
                    Blend(image, widthPx, mx + dx, my + dy, w, rowStart, rowEnd);
                }
            }
        }
    }

    // Sample j of the emitter's PSF lies at X + j − n/2 (sub-pixel units, X the emitter's position); with
    // cell centres at m + ½ it goes to cells M + j (weight 1 − f) and M + j + 1 (weight f).
    private (int M, double F) Base(double px)
    {
        double b = (px * Oversampling) - (_samples / 2) - 0.5;
        double m = Math.Floor(b);
        return ((int)m, b - m);
    }

    private void Blend(Span<float> image, int widthPx, int mx, int my, double weight, int rowStart, int rowEnd)
    {
        int k = Oversampling, q = SidePx;
        int phx = ((mx % k) + k) % k, phy = ((my % k) + k) % k;
        int x0 = (mx - phx) / k, y0 = (my - phy) / k;
        int qx0 = Math.Max(0, -x0), qx1 = Math.Min(q, widthPx - x0);
        int qy0 = Math.Max(0, rowStart - y0), qy1 = Math.Min(q, rowEnd - y0);
        float w = (float)weight;
        for (int qy = qy0; qy < qy1; qy++)
        {
            ReadOnlySpan<float> source = _phases.AsSpan(Index(phx, phy, 0, qy), q);
            Span<float> row = image.Slice((y0 + qy) * widthPx, widthPx);
            for (int qx = qx0; qx < qx1; qx++)
            {
                row[x0 + qx] += w * source[qx];
            }
        }
    }

    private int Index(int phx, int phy, int qx, int qy) => (((((phy * Oversampling) + phx) * SidePx) + qy) * SidePx) + qx;
}
