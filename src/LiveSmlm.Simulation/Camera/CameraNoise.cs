using System.Runtime.CompilerServices;
using LiveSmlm.Core;

namespace LiveSmlm.Simulation;

/// <summary>
/// Turns expected photons per pixel into ADU like the sensor does: Poisson shot noise on photons × QE,
/// the EM register's Gamma(n, emGain) for an EMCCD, Gaussian read noise, conversion, rounding, clipping.
/// </summary>
/// <remarks>
/// Row blocks run in parallel; each block draws from its own stream seeded by (seed, frame, block), so
/// a frame is the same whatever the thread count or scheduling.
/// </remarks>
public sealed class CameraNoise
{
    /// <summary>Rows per parallel work item (and per random stream): 16 rows of 256 px amortise scheduling.</summary>
    public const int RowsPerBlock = 16;

    private const double MaxAdu = ushort.MaxValue;

    private readonly CameraModel _model;
    private readonly int _widthPx;
    private readonly int _heightPx;
    private readonly ulong _seed;

    // sCMOS maps folded once: read σ in ADU, conversion ADU per electron and baseline, per pixel.
    private readonly float[]? _readSigmaAdu;
    private readonly float[]? _aduPerElectron;
    private readonly float[]? _baselineAdu;

    public CameraNoise(CameraModel model, int widthPx, int heightPx, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _widthPx = widthPx;
        _heightPx = heightPx;
        _seed = seed;
        if (model.PixelMaps is { } maps)
        {
            maps.Validate(widthPx * heightPx);
            int n = widthPx * heightPx;
            _readSigmaAdu = new float[n];
            _aduPerElectron = new float[n];
            _baselineAdu = new float[n];
            for (int i = 0; i < n; i++)
            {
                _readSigmaAdu[i] = MathF.Sqrt(maps.VarianceAdu2[i]);
                _aduPerElectron[i] = 1f / maps.ElectronsPerAdu[i];
                _baselineAdu[i] = maps.BaselineAdu[i];
            }
        }
    }

    /// <summary>
    /// Fills <paramref name="adu"/> from the expected photons at the sample per pixel (signal + background,
    /// before QE). Deterministic in (seed, frameIndex).
    /// </summary>
    public void Apply(float[] expectedPhotons, ushort[] adu, long frameIndex)
    {
        ArgumentNullException.ThrowIfNull(expectedPhotons);
        ArgumentNullException.ThrowIfNull(adu);
        int pixels = _widthPx * _heightPx;
        if (expectedPhotons.Length < pixels || adu.Length < pixels)
        {
            throw new ArgumentException($"Buffers must hold {pixels} pixels ({_widthPx}×{_heightPx}).");
        }

        int blocks = (_heightPx + RowsPerBlock - 1) / RowsPerBlock;
        if (blocks == 1)
        {
            ApplyBlock(expectedPhotons, adu, frameIndex, 0);
            return;
        }

        Parallel.For(0, blocks, b => ApplyBlock(expectedPhotons, adu, frameIndex, b));
    }

    /// <summary>Number of row blocks (and random streams) of one frame.</summary>
    public int BlockCount => (_heightPx + RowsPerBlock - 1) / RowsPerBlock;

    /// <summary>
    /// Fills the rows of one block (rows [block · <see cref="RowsPerBlock"/>, …)) from its own stream
    /// (seed, frameIndex, block): the same pixels whichever thread runs it and in whatever order.
    /// </summary>
    public void ApplyBlock(float[] expected, ushort[] adu, long frameIndex, int block)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(adu);
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(block, BlockCount);
        int pixels = _widthPx * _heightPx;
        if (expected.Length < pixels || adu.Length < pixels)
        {
            throw new ArgumentException($"Buffers must hold {pixels} pixels ({_widthPx}×{_heightPx}).");
        }

        var rng = Xoshiro256.ForStream(_seed, (ulong)frameIndex, (ulong)block);
        int start = block * RowsPerBlock * _widthPx;
        int end = Math.Min(_heightPx, (block + 1) * RowsPerBlock) * _widthPx;
        if (_readSigmaAdu is not null)
        {
            MappedPixels(ref rng, expected, adu, start, end, _model.QuantumEfficiency, _model.IsEmccd, _model.EmGain, _aduPerElectron!, _baselineAdu!, _readSigmaAdu);
        }
        else if (_model.IsEmccd)
        {
            EmccdPixels(ref rng, expected, adu, start, end, _model);
        }
        else
        {
            PhotonCountingPixels(ref rng, expected, adu, start, end, _model);
        }
    }

    // sCMOS and CCD with one gain and offset: the hot path of the default camera, kept small so the
    // JIT keeps the generator's state in registers.
    private static void PhotonCountingPixels(ref Xoshiro256 rng, float[] expected, ushort[] adu, int start, int end, CameraModel model)
    {
        double qe = model.QuantumEfficiency;
        double readSigmaE = model.ReadNoiseElectrons;
        double aduPerE = 1.0 / model.ElectronsPerAdu;
        double baseline = model.BaselineAdu;
        for (int i = start; i < end; i++)
        {
            double electrons = PoissonTable.Next(ref rng, expected[i] * qe);
            if (readSigmaE > 0)
            {
                electrons += readSigmaE * ZigguratNormal.Next(ref rng);
            }

            adu[i] = ToAdu((electrons * aduPerE) + baseline);
        }
    }

    private static void EmccdPixels(ref Xoshiro256 rng, float[] expected, ushort[] adu, int start, int end, CameraModel model)
    {
        double qe = model.QuantumEfficiency;
        double emGain = model.EmGain;
        double readSigmaE = model.ReadNoiseElectrons;
        double aduPerE = 1.0 / model.ElectronsPerAdu;
        double baseline = model.BaselineAdu;
        for (int i = start; i < end; i++)
        {
            int photoelectrons = PoissonTable.Next(ref rng, expected[i] * qe);
            double electrons = RandomDistributions.GammaInteger(ref rng, photoelectrons, emGain);
            if (readSigmaE > 0)
            {
                electrons += readSigmaE * ZigguratNormal.Next(ref rng);
            }

            adu[i] = ToAdu((electrons * aduPerE) + baseline);
        }
    }

    // Per-pixel sCMOS maps: read σ is in ADU, gain and offset per pixel (Huang et al. 2013).
    private static void MappedPixels(
        ref Xoshiro256 rng, float[] expected, ushort[] adu, int start, int end, double qe, bool emccd, double emGain,
        float[] aduPerElectron, float[] baselineAdu, float[] readSigmaAdu)
    {
        for (int i = start; i < end; i++)
        {
            double electrons = Electrons(ref rng, expected[i] * qe, emccd, emGain);
            double value = (electrons * aduPerElectron[i]) + baselineAdu[i] + (readSigmaAdu[i] * ZigguratNormal.Next(ref rng));
            adu[i] = ToAdu(value);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Electrons(ref Xoshiro256 rng, double meanPhotoelectrons, bool emccd, double emGain)
    {
        int n = PoissonTable.Next(ref rng, meanPhotoelectrons);
        return emccd ? RandomDistributions.GammaInteger(ref rng, n, emGain) : n;
    }

    // Round half up, then clip to the 16-bit range like the camera's ADC.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort ToAdu(double value)
    {
        double rounded = Math.Floor(value + 0.5);
        return rounded <= 0 ? (ushort)0 : rounded >= MaxAdu ? ushort.MaxValue : (ushort)rounded;
    }
}
