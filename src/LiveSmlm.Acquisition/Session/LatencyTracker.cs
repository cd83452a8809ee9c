using System.Diagnostics;
using LiveSmlm.Core;
using LiveSmlm.Localization;

namespace LiveSmlm.Acquisition.Session;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// Localizer latency: the host time from a frame's arrival from the camera to the end of the localizer
/// call that handled it, per frame, into a constant-memory histogram (p50, p99).
/// </summary>
/// <remarks>
/// <see cref="Arrived"/> runs on the reader's thread, <see cref="Localized"/> on the localizer's; the
/// frame channel between them orders the writes before the reads. Arrival stamps live in a ring indexed
/// by frame number, which must be longer than the frames in flight (the frame pool), checked.
/// </remarks>
public sealed class LatencyTracker
{
    private readonly long[] _arrival;
    private readonly long[] _arrivalIndex;
    private readonly LatencyHistogram _histogram = new();

    public LatencyTracker(int ringFrames = 1 << 16)
    {
        if (ringFrames < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(ringFrames), ringFrames, "The arrival ring needs at least 16 frames.");
        }

        _arrival = new long[ringFrames];
        _arrivalIndex = new long[ringFrames];
        Array.Fill(_arrivalIndex, -1);
    }

    public LatencyHistogram Histogram => _histogram;

    public void Arrived(long frameIndex, long timestamp)
    {
        int slot = (int)(frameIndex % _arrival.Length);
        _arrival[slot] = timestamp;
        Volatile.Write(ref _arrivalIndex[slot], frameIndex);
    }

    public void Localized(long frameIndex, long timestamp)
    {
        int slot = (int)(frameIndex % _arrival.Length);
        if (Volatile.Read(ref _arrivalIndex[slot]) != frameIndex)
        {
            throw new InvalidOperationException(
                $"Frame {frameIndex} was localized but its arrival stamp is gone: more than {_arrival.Length} frames were in flight; enlarge the LatencyTracker ring.");
        }

        _histogram.Add((timestamp - _arrival[slot]) * 1000.0 / Stopwatch.Frequency);
    }
}

/// <summary>Latencies in ms in logarithmic bins 1 % wide from 1 µs to 1000 s: percentiles to ±0.5 % in 8 KB.</summary>
public sealed class LatencyHistogram
{
    private const double MinMs = 1e-3;
    private const double Ratio = 1.01;
    private static readonly double LogRatio = Math.Log(Ratio);
    private readonly long[] _bins = new long[(int)Math.Ceiling(Math.Log(1e6 / MinMs) / Math.Log(Ratio)) + 1];

    public long Count { get; private set; }

    public double MaxMs { get; private set; }

    public void Add(double ms)
    {
        int bin = ms <= MinMs ? 0 : Math.Min(_bins.Length - 1, (int)(Math.Log(ms / MinMs) / LogRatio) + 1);
        _bins[bin]++;
        Count++;
        MaxMs = Math.Max(MaxMs, ms);
    }

    /// <summary>The <paramref name="quantile"/> (0–1) in ms, the geometric centre of its bin; NaN when empty.</summary>
    public double Percentile(double quantile)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        for (int i = 0; i < _bins.Length; i++)
        {
            seen += _bins[i];
            if (seen >= rank)
            {
                return i == 0 ? MinMs : Math.Min(MaxMs, MinMs * Math.Pow(Ratio, i - 0.5));
            }
        }

        return MaxMs;
    }
}

/// <summary>An <see cref="ILocalizer"/> that stamps each frame of a batch as localized when the call returns.</summary>
public sealed class TimedLocalizer : ILocalizer
{
    private readonly ILocalizer _inner;
    private readonly LatencyTracker _latency;

    public TimedLocalizer(ILocalizer inner, LatencyTracker latency)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(latency);
        _inner = inner;
        _latency = latency;
    }

    public EngineInfo Info => _inner.Info;

    public void Localize(IReadOnlyList<Frame> frames, List<Localization> output)
    {
        ArgumentNullException.ThrowIfNull(frames);
        _inner.Localize(frames, output);
        long now = Stopwatch.GetTimestamp();
        for (int i = 0; i < frames.Count; i++)
        {
            _latency.Localized(frames[i].Index, now);
        }
    }

    public LocalizerStatistics GetStatistics() => _inner.GetStatistics();

    public void Dispose() => _inner.Dispose();
}
