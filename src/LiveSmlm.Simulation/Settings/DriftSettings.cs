using LiveSmlm.Core;

namespace LiveSmlm.Simulation;

/// <summary>
/// Stage drift: linear in x, y, z plus a slow sinusoid in x and y (thermal cycling), so that the
/// position of every emitter at time t is its sample position plus <see cref="OffsetAt"/>(t).
/// </summary>
public sealed record DriftSettings
{
    public double VelocityXNmPerS { get; init; }

    public double VelocityYNmPerS { get; init; }

    public double VelocityZNmPerS { get; init; }

    public double SineAmplitudeXNm { get; init; }

    public double SineAmplitudeYNm { get; init; }

    public double SinePeriodS { get; init; } = 600;

    /// <summary>Drift at time t (s): v·t + A·sin(2π t / T).</summary>
    public (double XNm, double YNm, double ZNm) OffsetAt(double tSeconds)
    {
        double phase = Math.Sin(2 * Math.PI * tSeconds / SinePeriodS);
        return (
            (VelocityXNmPerS * tSeconds) + (SineAmplitudeXNm * phase),
            (VelocityYNmPerS * tSeconds) + (SineAmplitudeYNm * phase),
            VelocityZNmPerS * tSeconds);
    }

    public void Validate(string prefix)
    {
        SettingValidation.Require(Math.Abs(VelocityXNmPerS) <= 1e4, SettingValidation.Join(prefix, "velocityXNmPerS"), VelocityXNmPerS, "[-10000, 10000] nm/s");
        SettingValidation.Require(Math.Abs(VelocityYNmPerS) <= 1e4, SettingValidation.Join(prefix, "velocityYNmPerS"), VelocityYNmPerS, "[-10000, 10000] nm/s");
        SettingValidation.Require(Math.Abs(VelocityZNmPerS) <= 1e4, SettingValidation.Join(prefix, "velocityZNmPerS"), VelocityZNmPerS, "[-10000, 10000] nm/s");
        SettingValidation.Require(Math.Abs(SineAmplitudeXNm) <= 1e5, SettingValidation.Join(prefix, "sineAmplitudeXNm"), SineAmplitudeXNm, "[-100000, 100000] nm");
        SettingValidation.Require(Math.Abs(SineAmplitudeYNm) <= 1e5, SettingValidation.Join(prefix, "sineAmplitudeYNm"), SineAmplitudeYNm, "[-100000, 100000] nm");
        SettingValidation.Require(SinePeriodS is > 0 and <= 1e7, SettingValidation.Join(prefix, "sinePeriodS"), SinePeriodS, "(0, 1e7] s");
    }
}
