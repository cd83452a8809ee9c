using LiveSmlm.Simulation.Optics;

namespace LiveSmlm.Devices.Slm;

/// <summary>How an SLM turns grey levels into phase: the grey level of a 2π delay, and an optional flatness correction.</summary>
public sealed record SlmCalibration
{
    /// <summary>The grey level that delays by 2π at the laser's wavelength (from the vendor's LUT or a measurement), 1 … 255.</summary>
    public int GrayFor2Pi { get; init; } = 255;

    /// <summary>The panel's flatness correction (vendor file, same size as the panel), added modulo 2π before the pattern is shown; null for none.</summary>
    public byte[]? FlatnessCorrection { get; init; }
}

/// <summary>A blazed grating that steers the modulated light off the zero order.</summary>
/// <param name="PeriodPx">Grating period on the panel, pixels (≥ 2).</param>
/// <param name="AngleRad">Direction of the grating vector from +x.</param>
public readonly record struct BlazedGrating(double PeriodPx, double AngleRad);

/// <summary>
/// Phase patterns for PSF engineering: Zernike terms over the pupil (the largest circle inscribed in the
/// panel) plus a blazed grating, wrapped to [0, 2π) and mapped to 8-bit grey with the calibration.
/// </summary>
public static class SlmPattern
{
    /// <summary>A tetrapod-like mask: the sum of primary and secondary astigmatism and spherical terms (Shechtman et al., PRL 113, 133902, 2014 use such sums).</summary>
    public static IReadOnlyList<ZernikeMode> TetrapodLike(double amplitudeRad) =>
    [
        new(ZernikeTerm.Astigmatism, amplitudeRad),
        new(ZernikeTerm.ObliqueSecondaryAstigmatism, 0.6 * amplitudeRad),
        new(ZernikeTerm.Spherical, 0.3 * amplitudeRad),
    ];

    /// <summary>The phase (radians, unwrapped) of the modes and grating at panel pixel (x, y).</summary>
    public static double PhaseAt(int x, int y, int widthPx, int heightPx, IReadOnlyList<ZernikeMode> modes, BlazedGrating? grating)
    {
        ArgumentNullException.ThrowIfNull(modes);
        double r = Math.Min(widthPx, heightPx) / 2.0;
        double px = x + 0.5 - (widthPx / 2.0), py = y + 0.5 - (heightPx / 2.0);
        double phase = Zernike.Phase(modes, Math.Sqrt((px * px) + (py * py)) / r, Math.Atan2(py, px));
        if (grating is { } g)
        {
            phase += 2 * Math.PI * ((px * Math.Cos(g.AngleRad)) + (py * Math.Sin(g.AngleRad))) / g.PeriodPx;
        }

        return phase;
    }

    /// <summary>The 8-bit image for the panel: phase wrapped to [0, 2π), the flatness correction added modulo 2π.</summary>
    public static byte[] Build(int widthPx, int heightPx, IReadOnlyList<ZernikeMode> modes, BlazedGrating? grating, SlmCalibration calibration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(widthPx, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(heightPx, 1);
        ArgumentNullException.ThrowIfNull(calibration);
        if (calibration.GrayFor2Pi is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(calibration), calibration.GrayFor2Pi, "GrayFor2Pi must be in [1, 255].");
        }

        if (calibration.FlatnessCorrection is { } flat && flat.Length != widthPx * heightPx)
        {
            throw new ArgumentException($"The flatness correction has {flat.Length} pixels; the panel is {widthPx}×{heightPx} = {widthPx * heightPx}.", nameof(calibration));
        }

        if (grating is { PeriodPx: < 2 })
        {
            throw new ArgumentOutOfRangeException(nameof(grating), grating, "A blazed grating needs a period of at least 2 pixels.");
        }

        int levels = calibration.GrayFor2Pi;
        var image = new byte[widthPx * heightPx];
        for (int y = 0; y < heightPx; y++)
        {
            for (int x = 0; x < widthPx; x++)
            {
                double phase = PhaseAt(x, y, widthPx, heightPx, modes, grating);
                int gray = (int)Math.Round(Wrap(phase) / (2 * Math.PI) * levels) % levels;
                if (calibration.FlatnessCorrection is { } correction)
                {
                    gray = (gray + correction[(y * widthPx) + x]) % levels;
                }

                image[(y * widthPx) + x] = (byte)gray;
            }
        }

        return image;
    }

    /// <summary>The phase wrapped to [0, 2π).</summary>
    public static double Wrap(double phase) => phase - (2 * Math.PI * Math.Floor(phase / (2 * Math.PI)));
}
