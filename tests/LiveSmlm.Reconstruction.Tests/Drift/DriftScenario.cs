using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Simulation;

namespace LiveSmlm.Reconstruction.Tests.Drift;

/// <summary>
/// Localizations straight from the simulator's ground truth, without the camera: the sample of a shipped
/// profile (over a smaller field), the profile's drift at each frame's mid-exposure, a Gaussian
/// localization error, and its beads in every frame. Seeded; builds 20,000 frames in well under a second.
/// </summary>
internal sealed class DriftScenario
{
    private DriftScenario(List<Localization> localizations, DriftTrace truth, double widthNm, double heightNm)
    {
        Localizations = localizations;
        Truth = truth;
        WidthNm = widthNm;
        HeightNm = heightNm;
    }

    public List<Localization> Localizations { get; }

    /// <summary>The simulator's drift per frame, relative to frame 0 (the convention of the estimate).</summary>
    public DriftTrace Truth { get; }

    public double WidthNm { get; }

    public double HeightNm { get; }

    public static string Profile(string name) => Path.Combine(AppContext.BaseDirectory, "hardware-profiles", name);

    /// <param name="profile">A shipped profile, e.g. simulated-drift.json.</param>
    /// <param name="fieldPx">Field side, camera pixels (the profile's camera is bigger; a smaller field keeps the test fast).</param>
    /// <param name="dyesPerFrame">Dye localizations per frame, drawn uniformly from the sample's labels.</param>
    /// <param name="dyePrecisionNm">σ per axis of a dye localization.</param>
    /// <param name="beadPrecisionNm">σ per axis of a bead localization.</param>
    public static DriftScenario Build(string profile, int frames, int fieldPx, int dyesPerFrame, double dyePrecisionNm, double beadPrecisionNm, ulong seed)
    {
        SimulationSettings settings = HardwareProfile.Load(Profile(profile)).ToSimulationSettings();
        settings = settings with { Camera = settings.Camera with { WidthPx = fieldPx, HeightPx = fieldPx } };
        double widthNm = fieldPx * settings.Camera.Model.PixelSizeNm;
        using var camera = new SimulatedCamera(settings, seed, frames);
        IReadOnlyList<SampleLabel> labels = camera.Labels;
        IReadOnlyList<SampleLabel> beads = camera.Fiducials;
        float beadPhotons = (float)(settings.Sample.Fiducials?.PhotonsPerFrame ?? 0);
        var rng = Xoshiro256.ForStream(seed, 99, 0);
        var locs = new List<Localization>(frames * (dyesPerFrame + beads.Count));
        var tx = new double[frames];
        var ty = new double[frames];
        (double x0, double y0, _) = camera.DriftAt(0);
        for (int f = 0; f < frames; f++)
        {
            (double dx, double dy, _) = camera.DriftAt(f);
            tx[f] = dx - x0;
            ty[f] = dy - y0;
            for (int k = 0; k < dyesPerFrame && labels.Count > 0; k++)
            {
                SampleLabel l = labels[(int)(rng.NextDouble() * labels.Count)];
                locs.Add(At(f, l, dx, dy, dyePrecisionNm, 3000, ref rng));
            }

            foreach (SampleLabel b in beads)
            {
                locs.Add(At(f, b, dx, dy, beadPrecisionNm, beadPhotons, ref rng));
            }
        }

        return new DriftScenario(locs, new DriftTrace(tx, ty), widthNm, widthNm);
    }

    private static Localization At(int frame, SampleLabel l, double dx, double dy, double sigmaNm, float photons, ref Xoshiro256 rng)
    {
        var loc = Localization.Create(
            frame,
            (float)(l.XNm + dx + (sigmaNm * RandomDistributions.StandardNormal(ref rng))),
            (float)(l.YNm + dy + (sigmaNm * RandomDistributions.StandardNormal(ref rng))),
            photons);
        loc.UncertaintyXNm = (float)sigmaNm;
        loc.UncertaintyYNm = (float)sigmaNm;
        return loc;
    }
}
