using System.Numerics;
using System.Runtime.CompilerServices;

namespace LiveSmlm.Simulation;

/// <summary>
/// xoshiro256** (Blackman &amp; Vigna, 2018): a small, fast, statistically strong generator. A value
/// type so that each row block of a frame owns one stream derived from (seed, frame, block), which
/// keeps results independent of thread scheduling.
/// </summary>
public struct Xoshiro256
{
    private const double DoubleUnit = 1.0 / (1UL << 53);

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Seeds the four words from SplitMix64, as the authors recommend.</summary>
    public Xoshiro256(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>A stream for one (seed, a, b) triple, e.g. (seed, frame, row block).</summary>
    public static Xoshiro256 ForStream(ulong seed, ulong a, ulong b)
    {
        ulong x = seed;
        ulong h = SplitMix64(ref x) ^ (a * 0x9E3779B97F4A7C15UL);
        h = SplitMix64(ref h) ^ (b * 0xC2B2AE3D27D4EB4FUL);
        return new Xoshiro256(SplitMix64(ref h));
    }

    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * DoubleUnit;

    /// <summary>Uniform on (0, 1]: safe to take the logarithm of.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDoubleNonZero() => ((NextUInt64() >> 11) + 1) * DoubleUnit;
}
