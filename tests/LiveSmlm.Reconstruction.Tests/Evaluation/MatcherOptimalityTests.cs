using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction.Tests;

/// <summary>
/// The matcher against exhaustive search on many small random frames, and on a 100k-localization set
/// whose optimal pairing is known in closed form.
/// </summary>
public sealed class MatcherOptimalityTests
{
    private const double RadiusNm = 250;

    [Fact]
    public void Match_RandomSmallFrames_EqualsExhaustiveSearch()
    {
        var random = new Random(20261125);
        var locs = new List<Localization>();
        var truth = new List<GroundTruthEmitter>();
        int expectedPairs = 0;
        double expectedTotalNm = 0;
        for (int frame = 0; frame < 400; frame++)
        {
            // Up to 6 per side in a 600 nm box: dense enough that candidates form tangled components.
            int nl = random.Next(0, 7);
            int nt = random.Next(0, 7);
            var l = Enumerable.Range(0, nl).Select(_ => (X: random.NextDouble() * 600, Y: random.NextDouble() * 600)).ToArray();
            var t = Enumerable.Range(0, nt).Select(_ => (X: random.NextDouble() * 600, Y: random.NextDouble() * 600)).ToArray();
            locs.AddRange(l.Select(p => Localization.Create(frame, (float)p.X, (float)p.Y, 1)));

            // Truth at the float-rounded position, so that both sides measure the same distances.
            truth.AddRange(t.Select(p => new GroundTruthEmitter(0, frame, p.X, p.Y, 0, 1)));
            var lf = l.Select(p => ((double)(float)p.X, (double)(float)p.Y)).ToArray();
            (int pairs, double total) = Exhaustive(lf, t.Select(p => (p.X, p.Y)).ToArray(), 0, 0);
            expectedPairs += pairs;
            expectedTotalNm += total;
        }

        IReadOnlyList<LocalizationMatch> matches = LocalizationMatcher.Match(locs, truth, RadiusNm);

        Assert.Equal(expectedPairs, matches.Count);
        Assert.Equal(expectedTotalNm, matches.Sum(m => m.DistanceNm), 6);
        Assert.All(matches, m => Assert.Equal(locs[m.LocalizationIndex].Frame, truth[m.TruthIndex].Frame));
        Assert.Equal(matches.Count, matches.Select(m => m.LocalizationIndex).Distinct().Count());
        Assert.Equal(matches.Count, matches.Select(m => m.TruthIndex).Distinct().Count());
    }

    [Fact]
    public void Evaluate_120kLocalizationsShiftedByOneVector_MatchesAllWithThatShift()
    {
        // Every localization is its emitter moved by v = (30, 40) nm. By the triangle inequality no
        // pairing has a smaller total than n·|v|, so all pairs match and RMSE is |v| = 50 nm; far-away
        // extra localizations are FPs and far-away extra emitters FNs.
        var random = new Random(7);
        var locs = new List<Localization>();
        var truth = new List<GroundTruthEmitter>();
        const int frames = 2000;
        const int perFrame = 60;
        for (int frame = 0; frame < frames; frame++)
        {
            for (int k = 0; k < perFrame; k++)
            {
                double x = 1000 + (random.NextDouble() * 5000);
                double y = 1000 + (random.NextDouble() * 5000);
                truth.Add(new GroundTruthEmitter(k, frame, x, y, 0, 1000));
                locs.Add(Localization.Create(frame, (float)(x + 30), (float)(y + 40), 1000));
            }

            if (frame % 10 == 0)
            {
                locs.Add(Localization.Create(frame, 50_000, 50_000, 1000));
                truth.Add(new GroundTruthEmitter(-1, frame, -50_000, 9000, 0, 1000));
            }
        }

        // Shuffle so that grouping by frame is really exercised.
        Localization[] shuffled = [.. locs];
        random.Shuffle(shuffled);

        EvaluationResult r = LocalizationMatcher.Evaluate(shuffled, truth);

        Assert.Equal(frames * perFrame, r.Tp);
        Assert.Equal(frames / 10, r.Fp);
        Assert.Equal(frames / 10, r.Fn);
        Assert.Equal(50.0, r.RmseLateralNm, 2);
    }

    /// <summary>Best (most pairs, then least total distance) over every partial one-to-one pairing.</summary>
    private static (int Pairs, double Total) Exhaustive((double X, double Y)[] locs, (double X, double Y)[] truth, int next, int usedMask)
    {
        if (next == locs.Length)
        {
            return (0, 0);
        }

        (int Pairs, double Total) best = Exhaustive(locs, truth, next + 1, usedMask); // leave this one unpaired
        for (int j = 0; j < truth.Length; j++)
        {
            if ((usedMask & (1 << j)) != 0)
            {
                continue;
            }

            double dx = locs[next].X - truth[j].X;
            double dy = locs[next].Y - truth[j].Y;
            double d = Math.Sqrt((dx * dx) + (dy * dy));
            if (d > RadiusNm)
            {
                continue;
            }

            (int pairs, double total) = Exhaustive(locs, truth, next + 1, usedMask | (1 << j));
            (int Pairs, double Total) candidate = (pairs + 1, total + d);
            if (candidate.Pairs > best.Pairs || (candidate.Pairs == best.Pairs && candidate.Total < best.Total))
            {
                best = candidate;
            }
        }

        return best;
    }
}
