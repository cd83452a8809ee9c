using System.Collections.Concurrent;
using System.Numerics;

namespace LiveSmlm.Simulation.Optics;

/// <summary>
/// The simulated microscope's PSF when a phase pattern sits in the pupil (an SLM conjugate to the back focal
/// plane): PSF(z) = |FFT(P · e^{iφ_SLM} · e^{iφ_z})|² (<see cref="PupilPsf"/>), sampled at a whole fraction of the
/// camera pixel and drawn with sub-pixel shifts (<see cref="SampledPsf"/>). One model per pattern; the PSF of
/// each depth is computed once, on first use, and kept.
/// </summary>
/// <remarks>
/// Defocus of an emitter at depth z (nm, from the focal plane) is the scalar high-NA phase
/// φ_z(ρ) = 2π z/λ · √(n² − (NA ρ)²) (Hanser et al., J. Microsc. 216, 32, 2004), n the immersion index.
/// Depths are rounded to <see cref="DepthStepNm"/>. Thread-safe: <see cref="ForDepth"/> may be called from any
/// thread (the cache is a ConcurrentDictionary; two threads asking for a new depth at once may both compute it).
/// </remarks>
public sealed class PupilPsfModel
{
    /// <summary>FFT grid per side: with ~16 samples across the pupil radius the PSF window is ≈ 7 µm at NA 1.49.</summary>
    public const int FftSize = 256;

    /// <summary>Pupil radius aimed at, frequency samples; the oversampling is the whole number that comes nearest.</summary>
    public const double TargetPupilRadiusSamples = 16;

    /// <summary>Depth resolution of the cached PSFs, nm (a 5 nm error is ≤ 0.07 rad of defocus at the pupil's edge at 670 nm).</summary>
    public const double DepthStepNm = 10;

    /// <summary>Refractive index of the immersion medium (immersion oil, n_D = 1.518) for the defocus phase.</summary>
    public const double ImmersionIndex = 1.518;

    /// <summary>The cache holds at most this many depths; beyond, it starts again (a sample spans far fewer).</summary>
    public const int MaxCachedDepths = 2048;

    private readonly ConcurrentDictionary<long, SampledPsf> _depths = new();
    private readonly Complex[] _pupil;
    private long _computations;

    public PupilPsfModel(double wavelengthNm, double numericalAperture, double pixelSizeNm, PupilPhaseMap phase)
    {
        ArgumentNullException.ThrowIfNull(phase);
        if (!(pixelSizeNm > 0) || !(wavelengthNm > 0) || !(numericalAperture > 0) || numericalAperture >= ImmersionIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(pixelSizeNm), $"The pupil PSF needs a positive pixel size ({pixelSizeNm} nm), wavelength ({wavelengthNm} nm) and an NA in (0, {ImmersionIndex}) (got {numericalAperture}).");
        }

        WavelengthNm = wavelengthNm;
        NumericalAperture = numericalAperture;
        Phase = phase;
        Oversampling = Math.Max(1, (int)Math.Round(pixelSizeNm * numericalAperture * FftSize / (TargetPupilRadiusSamples * wavelengthNm)));
        SampleNm = pixelSizeNm / Oversampling;
        PupilRadiusSamples = PupilPsf.PupilRadiusSamples(wavelengthNm, numericalAperture, SampleNm, FftSize);
        _pupil = PupilPsf.SamplePupil(phase, FftSize, PupilRadiusSamples);
    }

    public double WavelengthNm { get; }

    public double NumericalAperture { get; }

    /// <summary>The pattern in the pupil.</summary>
    public PupilPhaseMap Phase { get; }

    /// <summary>PSF samples per camera pixel.</summary>
    public int Oversampling { get; }

    /// <summary>PSF sample pitch in the sample plane, nm.</summary>
    public double SampleNm { get; }

    public double PupilRadiusSamples { get; }

    /// <summary>How many PSFs (depths) were computed so far.</summary>
    public long Computations => Interlocked.Read(ref _computations);

    /// <summary>The PSF for an emitter at depth <paramref name="zNm"/> (rounded to <see cref="DepthStepNm"/>).</summary>
    public SampledPsf ForDepth(double zNm)
    {
        long bin = double.IsFinite(zNm) ? (long)Math.Round(zNm / DepthStepNm) : 0;
        if (_depths.TryGetValue(bin, out SampledPsf? psf))
        {
            return psf;
        }

        if (_depths.Count >= MaxCachedDepths)
        {
            _depths.Clear();
        }

        return _depths.GetOrAdd(bin, Compute);
    }

    private SampledPsf Compute(long bin)
    {
        Interlocked.Increment(ref _computations);
        double zNm = bin * DepthStepNm;
        var field = (Complex[])_pupil.Clone();
        if (zNm != 0)
        {
            double k = 2 * Math.PI * zNm / WavelengthNm;
            double na = NumericalAperture;
            PupilPsf.ForEachPupilSample(FftSize, PupilRadiusSamples, (i, rho, _) =>
                field[i] *= Complex.FromPolarCoordinates(1, k * Math.Sqrt((ImmersionIndex * ImmersionIndex) - (na * na * rho * rho))));
        }

        return new SampledPsf(PupilPsf.Intensity(field, FftSize), FftSize, Oversampling);
    }
}
