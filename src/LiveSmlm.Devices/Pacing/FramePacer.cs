namespace LiveSmlm.Devices.Pacing;

/// <summary>
/// Times a sequence on a monotonic clock: frame i is due at start + i / rate, computed from i each time
/// (never by adding periods), so a late frame does not push the later ones back and no drift accumulates.
/// </summary>
/// <remarks>One reader calls it; not thread-safe. Waits never end early: a timer that fires early is waited again.</remarks>
public sealed class FramePacer
{
    private readonly TimeProvider _clock;
    private readonly double _periodS;
    private long _startTimestamp;

    public FramePacer(double frameRateHz, TimeProvider? clock = null)
    {
        if (!double.IsFinite(frameRateHz) || frameRateHz <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frameRateHz), frameRateHz, "The frame rate must be a finite number of frames per second > 0.");
        }

        _clock = clock ?? TimeProvider.System;
        _periodS = 1.0 / frameRateHz;
    }

    public double PeriodS => _periodS;

    /// <summary>Marks frame 0 as due now.</summary>
    public void Start() => _startTimestamp = _clock.GetTimestamp();

    /// <summary>Seconds from <see cref="Start"/> until frame <paramref name="index"/> is due.</summary>
    public double DueSeconds(long index) => index * _periodS;

    /// <summary>Seconds since <see cref="Start"/> on the monotonic clock.</summary>
    public double ElapsedSeconds() => (_clock.GetTimestamp() - _startTimestamp) / (double)_clock.TimestampFrequency;

    /// <summary>Whole frame periods by which frame <paramref name="index"/> is overdue now (0 when on time or early).</summary>
    public long FramesBehind(long index)
    {
        double lateS = ElapsedSeconds() - DueSeconds(index);
        return lateS <= 0 ? 0 : (long)Math.Floor(lateS / _periodS);
    }

    /// <summary>Waits until frame <paramref name="index"/> is due; returns at once when it already is.</summary>
    public async ValueTask WaitUntilDueAsync(long index, CancellationToken cancellationToken)
    {
        double dueS = DueSeconds(index);
        while (true)
        {
            double remainingS = dueS - ElapsedSeconds();
            if (remainingS <= 0)
            {
                return;
            }

            // Timers tick in whole milliseconds: round up (ignoring float dust below a nanosecond) so that
            // one wait is enough in the usual case.
            double waitMs = Math.Max(1, Math.Ceiling((remainingS * 1000) - 1e-6));
            await Task.Delay(TimeSpan.FromMilliseconds(waitMs), _clock, cancellationToken).ConfigureAwait(false);
        }
    }
}
