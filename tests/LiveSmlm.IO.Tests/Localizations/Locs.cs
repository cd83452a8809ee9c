using LiveSmlm.Core;

namespace LiveSmlm.IO.Tests.Localizations;

/// <summary>Seeded localizations with every field set, for round trips.</summary>
internal static class Locs
{
    public static Localization[] Make(int count, bool is3D, int seed = 1)
    {
        var random = new Random(seed);
        var locs = new Localization[count];
        for (int i = 0; i < count; i++)
        {
            locs[i] = new Localization
            {
                Frame = i / 3,
                XNm = (float)(random.NextDouble() * 6400),
                YNm = (float)(random.NextDouble() * 6400),
                ZNm = is3D ? (float)((random.NextDouble() * 1200) - 600) : float.NaN,
                Photons = (float)(500 + (random.NextDouble() * 5000)),
                BackgroundPhotons = (float)(random.NextDouble() * 40),
                SigmaXNm = (float)(100 + (random.NextDouble() * 60)),
                SigmaYNm = (float)(100 + (random.NextDouble() * 60)),
                UncertaintyXNm = (float)(3 + (random.NextDouble() * 20)),
                UncertaintyYNm = (float)(3 + (random.NextDouble() * 20)),
                UncertaintyZNm = is3D ? (float)(10 + (random.NextDouble() * 40)) : float.NaN,
                LogLikelihoodRatio = (float)(random.NextDouble() * 80),
                Iterations = random.Next(3, 12),
            };
        }

        return locs;
    }
}
