using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace LiveSmlm.Simulation.Optics;

/// <summary>
/// The scalar Fourier-optics PSF: PSF = |FFT(P · e^{iφ})|², with P the circular pupil of radius NA/λ in
/// spatial frequency and φ the pupil phase (an SLM pattern in a conjugate plane, aberrations, defocus).
/// Sampled at <c>sampleNm</c> in the sample plane on a <c>fftSize</c>² grid; normalized to sum 1.
/// </summary>
/// <remarks>
/// Scalar and paraxial in the pupil (no vectorial or high-NA apodization terms): at NA 1.49 the in-focus
/// width is close to the Gaussian approximation σ ≈ 0.21 λ/NA (Zhang, Zerubia and Olivo-Marin, Appl. Opt.
/// 46, 1819, 2007), which the tests check to 10 %.
/// </remarks>
public static class PupilPsf
{
    /// <summary>
    /// Computes the PSF for a pupil phase given as a function of normalized pupil coordinates (ρ ≤ 1, θ);
    /// returns <paramref name="fftSize"/>² intensities, row-major, centred at (fftSize/2, fftSize/2).
    /// </summary>
    public static double[] Compute(double wavelengthNm, double numericalAperture, double sampleNm, int fftSize, Func<double, double, double> phase)
    {
        ArgumentNullException.ThrowIfNull(phase);
        ArgumentOutOfRangeException.ThrowIfLessThan(fftSize, 16);
        double radius = numericalAperture * fftSize * sampleNm / wavelengthNm;   // pupil radius in frequency samples
        if (radius < 4 || radius > fftSize / 2.0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleNm), sampleNm, $"The pupil spans {radius:G3} frequency samples; choose sampleNm and fftSize so that 4 ≤ NA·fftSize·sampleNm/λ ≤ fftSize/2 (sampling finer than the Nyquist λ/(2 NA)).");
        }

        var field = new Complex[fftSize * fftSize];
        int half = fftSize / 2;
        for (int v = 0; v < fftSize; v++)
        {
            for (int u = 0; u < fftSize; u++)
            {
                double fx = u - half, fy = v - half;
                double rho = Math.Sqrt((fx * fx) + (fy * fy)) / radius;
                if (rho <= 1)
                {
                    field[(v * fftSize) + u] = Complex.FromPolarCoordinates(1, phase(rho, Math.Atan2(fy, fx)));
                }
            }
        }

        // Centred transform: shift, FFT, shift back, so the PSF sits at (half, half).
        Shift(field, fftSize);
        Forward2D(field, fftSize);
        Shift(field, fftSize);
        var psf = new double[field.Length];
        double sum = 0;
        for (int i = 0; i < field.Length; i++)
        {
            psf[i] = (field[i].Real * field[i].Real) + (field[i].Imaginary * field[i].Imaginary);
            sum += psf[i];
        }

        for (int i = 0; i < psf.Length; i++)
        {
            psf[i] /= sum;
        }

        return psf;
    }

    /// <summary>The PSF of a sum of Zernike modes (radians).</summary>
    public static double[] Compute(double wavelengthNm, double numericalAperture, double sampleNm, int fftSize, IReadOnlyList<ZernikeMode> modes) =>
        Compute(wavelengthNm, numericalAperture, sampleNm, fftSize, (rho, theta) => Zernike.Phase(modes, rho, theta));

    /// <summary>
    /// The PSF for an 8-bit phase image shown on an SLM in a plane conjugate to the pupil: the pupil
    /// (diameter = the shorter side) is inscribed in the image's centre; grey <paramref name="grayFor2Pi"/> is a 2π delay.
    /// </summary>
    public static double[] ComputeFromSlm(double wavelengthNm, double numericalAperture, double sampleNm, int fftSize, ReadOnlySpan<byte> phase8, int widthPx, int heightPx, int grayFor2Pi, Func<double, double, double>? extraPhase = null)
    {
        if (phase8.Length != widthPx * heightPx)
        {
            throw new ArgumentException($"The SLM image has {phase8.Length} pixels, not {widthPx}×{heightPx}.", nameof(phase8));
        }

        byte[] copy = phase8.ToArray();
        double r = Math.Min(widthPx, heightPx) / 2.0;
        double radPerGray = 2 * Math.PI / grayFor2Pi;
        return Compute(wavelengthNm, numericalAperture, sampleNm, fftSize, (rho, theta) =>
        {
            int x = Math.Clamp((int)((widthPx / 2.0) + (rho * r * Math.Cos(theta))), 0, widthPx - 1);
            int y = Math.Clamp((int)((heightPx / 2.0) + (rho * r * Math.Sin(theta))), 0, heightPx - 1);
            return (copy[(y * widthPx) + x] * radPerGray) + (extraPhase?.Invoke(rho, theta) ?? 0);
        });
    }

    // MathNet's managed provider has no multi-dimensional FFT: rows, then columns, with the 1-D one.
    private static void Forward2D(Complex[] data, int n)
    {
        var line = new Complex[n];
        for (int y = 0; y < n; y++)
        {
            Array.Copy(data, y * n, line, 0, n);
            Fourier.Forward(line, FourierOptions.NoScaling);
            Array.Copy(line, 0, data, y * n, n);
        }

        for (int x = 0; x < n; x++)
        {
            for (int y = 0; y < n; y++)
            {
                line[y] = data[(y * n) + x];
            }

            Fourier.Forward(line, FourierOptions.NoScaling);
            for (int y = 0; y < n; y++)
            {
                data[(y * n) + x] = line[y];
            }
        }
    }

    private static void Shift(Complex[] data, int n)
    {
        int half = n / 2;
        for (int y = 0; y < half; y++)
        {
            for (int x = 0; x < n; x++)
            {
                int a = (y * n) + x;
                int b = ((y + half) * n) + ((x + half) % n);
                (data[a], data[b]) = (data[b], data[a]);
            }
        }
    }
}
