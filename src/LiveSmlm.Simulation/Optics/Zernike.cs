namespace LiveSmlm.Simulation.Optics;

/// <summary>The low-order Zernike terms of PSF engineering, Noll's numbering and normalization (Noll, JOSA 66, 207, 1976).</summary>
public enum ZernikeTerm
{
    Defocus = 4,
    ObliqueAstigmatism = 5,
    Astigmatism = 6,     // vertical/horizontal: cos 2θ, stretches the PSF along x on one side of focus and y on the other
    ComaY = 7,
    ComaX = 8,
    Spherical = 11,
    ObliqueSecondaryAstigmatism = 13,
    SecondaryAstigmatism = 12,
}

/// <summary>One Zernike term with its amplitude in radians (RMS over the pupil, Noll normalization).</summary>
public readonly record struct ZernikeMode(ZernikeTerm Term, double AmplitudeRad);

/// <summary>Zernike polynomials on the unit pupil (ρ ≤ 1, θ from +x), Noll-normalized to unit RMS.</summary>
public static class Zernike
{
    /// <summary>Z_j(ρ, θ); 0 outside the pupil.</summary>
    public static double Value(ZernikeTerm term, double rho, double theta)
    {
        if (rho > 1)
        {
            return 0;
        }

        double r2 = rho * rho;
        return term switch
        {
            ZernikeTerm.Defocus => Math.Sqrt(3) * ((2 * r2) - 1),
            ZernikeTerm.ObliqueAstigmatism => Math.Sqrt(6) * r2 * Math.Sin(2 * theta),
            ZernikeTerm.Astigmatism => Math.Sqrt(6) * r2 * Math.Cos(2 * theta),
            ZernikeTerm.ComaY => Math.Sqrt(8) * ((3 * r2) - 2) * rho * Math.Sin(theta),
            ZernikeTerm.ComaX => Math.Sqrt(8) * ((3 * r2) - 2) * rho * Math.Cos(theta),
            ZernikeTerm.Spherical => Math.Sqrt(5) * ((6 * r2 * r2) - (6 * r2) + 1),
            ZernikeTerm.SecondaryAstigmatism => Math.Sqrt(10) * ((4 * r2) - 3) * r2 * Math.Cos(2 * theta),
            ZernikeTerm.ObliqueSecondaryAstigmatism => Math.Sqrt(10) * ((4 * r2) - 3) * r2 * Math.Sin(2 * theta),
            _ => throw new ArgumentOutOfRangeException(nameof(term), term, "not a supported Zernike term"),
        };
    }

    /// <summary>The sum of <paramref name="modes"/> at (ρ, θ), radians (unwrapped).</summary>
    public static double Phase(IReadOnlyList<ZernikeMode> modes, double rho, double theta)
    {
        ArgumentNullException.ThrowIfNull(modes);
        double phase = 0;
        foreach (ZernikeMode mode in modes)
        {
            phase += mode.AmplitudeRad * Value(mode.Term, rho, theta);
        }

        return phase;
    }
}
