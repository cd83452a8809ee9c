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
        double radius = PupilRadiusSamples(wavelengthNm, numericalAperture, sampleNm, fftSize);
        var field = new Complex[fftSize * fftSize];
        ForEachPupilSample(fftSize, radius, (i, rho, theta) => field[i] = Complex.FromPolarCoordinates(1, phase(rho, theta)));
        return Intensity(field, fftSize);
    }

    /// <summary>The PSF of a sum of Zernike modes (radians).</summary>
    public static double[] Compute(double wavelengthNm, double numericalAperture, double sampleNm, int fftSize, IReadOnlyList<ZernikeMode> modes) =>
        Compute(wavelengthNm, numericalAperture, sampleNm, fftSize, (rho, theta) => Zernike.Phase(modes, rho, theta));

    /// <summary>
    /// The PSF for an 8-bit phase image shown on an SLM in a plane conjugate to the pupil: the pupil
    /// (diameter = the shorter side) is inscribed in the image's centre; grey <paramref name="grayFor2Pi"/> is a 2π delay.
    /// The SLM is sampled as <see cref="SamplePupil"/> does.
    /// </summary>
    public static double[] ComputeFromSlm(double wavelengthNm, double numericalAperture, double sampleNm, int fftSize, ReadOnlySpan<byte> phase8, int widthPx, int heightPx, int grayFor2Pi, Func<double, double, double>? extraPhase = null)
    {
        if (phase8.Length != widthPx * heightPx)
        {
            throw new ArgumentException($"The SLM image has {phase8.Length} pixels, not {widthPx}×{heightPx}.", nameof(phase8));
        }

        double radius = PupilRadiusSamples(wavelengthNm, numericalAperture, sampleNm, fftSize);
        Complex[] field = SamplePupil(PupilPhaseMap.FromGray(phase8, widthPx, heightPx, grayFor2Pi), fftSize, radius);
        if (extraPhase is not null)
        {
            ForEachPupilSample(fftSize, radius, (i, rho, theta) => field[i] *= Complex.FromPolarCoordinates(1, extraPhase(rho, theta)));
        }

        return Intensity(field, fftSize);
    }

    /// <summary>
    /// The pupil radius in frequency samples, NA·fftSize·sampleNm/λ, checked to lie in [4, fftSize/2]
    /// (sampling finer than the Nyquist λ/(2 NA), and at least 4 samples across the pupil's radius).
    /// </summary>
    public static double PupilRadiusSamples(double wavelengthNm, double numericalAperture, double sampleNm, int fftSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fftSize, 16);
        double radius = numericalAperture * fftSize * sampleNm / wavelengthNm;
        if (!(radius >= 4) || radius > fftSize / 2.0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleNm), sampleNm, $"The pupil spans {radius:G3} frequency samples; choose sampleNm and fftSize so that 4 ≤ NA·fftSize·sampleNm/λ ≤ fftSize/2 (sampling finer than the Nyquist λ/(2 NA)).");
        }

        return radius;
    }

    /// <summary>
    /// The pupil field e^{iφ} of a phase image on the <paramref name="fftSize"/>² frequency grid (pupil radius
    /// <paramref name="radius"/> samples, centred at fftSize/2; 0 outside): each frequency sample is the mean of
    /// e^{iφ} over the image pixels whose centres fall nearest to it (so a phase finer than the grid, such as a
    /// blazed grating's, averages out of the zero order), or the nearest pixel's where none falls (an image coarser than the grid).
    /// </summary>
    public static Complex[] SamplePupil(PupilPhaseMap map, int fftSize, double radius)
    {
        ArgumentNullException.ThrowIfNull(map);
        int w = map.WidthPx, h = map.HeightPx, half = fftSize / 2;
        double r = Math.Min(w, h) / 2.0;
        var sum = new Complex[fftSize * fftSize];
        var count = new int[fftSize * fftSize];
        ReadOnlySpan<double> phase = map.PhaseRad;
        for (int y = 0; y < h; y++)
        {
            double fy = (y + 0.5 - (h / 2.0)) / r * radius;
            int v = half + (int)Math.Round(fy);
            for (int x = 0; x < w; x++)
            {
                double fx = (x + 0.5 - (w / 2.0)) / r * radius;
                int u = half + (int)Math.Round(fx);
                if ((fx * fx) + (fy * fy) <= radius * radius && u >= 0 && u < fftSize && v >= 0 && v < fftSize)
                {
                    sum[(v * fftSize) + u] += Complex.FromPolarCoordinates(1, phase[(y * w) + x]);
                    count[(v * fftSize) + u]++;
                }
            }
        }

        var field = new Complex[fftSize * fftSize];
        ForEachPupilSample(fftSize, radius, (i, rho, theta) =>
        {
            if (count[i] > 0)
            {
                field[i] = sum[i] / count[i];
            }
            else
            {
                int x = Math.Clamp((int)Math.Floor((w / 2.0) + (rho * r * Math.Cos(theta))), 0, w - 1);
                int y = Math.Clamp((int)Math.Floor((h / 2.0) + (rho * r * Math.Sin(theta))), 0, h - 1);
                field[i] = Complex.FromPolarCoordinates(1, map.PhaseRad[(y * w) + x]);
            }
        });
        return field;
    }

    /// <summary>Calls <paramref name="sample"/>(index, ρ, θ) for every frequency sample inside the pupil (ρ ≤ 1).</summary>
    public static void ForEachPupilSample(int fftSize, double radius, Action<int, double, double> sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        int half = fftSize / 2;
        for (int v = 0; v < fftSize; v++)
        {
            for (int u = 0; u < fftSize; u++)
            {
                double fx = u - half, fy = v - half;
                double rho = Math.Sqrt((fx * fx) + (fy * fy)) / radius;
                if (rho <= 1)
                {
                    sample((v * fftSize) + u, rho, Math.Atan2(fy, fx));
                }
            }
        }
    }

    /// <summary>|FFT(field)|², centred (the pupil's centre at fftSize/2 maps to the PSF's at fftSize/2), normalized to sum 1. Overwrites <paramref name="field"/>.</summary>
    public static double[] Intensity(Complex[] field, int fftSize)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (fftSize % 2 != 0 || field.Length != fftSize * fftSize)
        {
            throw new ArgumentException($"The field holds {field.Length} samples; an even fftSize² ({fftSize}²) is needed.", nameof(field));
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

        if (!(sum > 0))
        {
            throw new ArgumentException("The pupil field is zero everywhere (no light passes): the PSF is undefined.", nameof(field));
        }

        for (int i = 0; i < psf.Length; i++)
        {
            psf[i] /= sum;
        }

        return psf;
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
