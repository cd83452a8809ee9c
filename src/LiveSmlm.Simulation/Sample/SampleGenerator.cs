namespace LiveSmlm.Simulation;

/// <summary>A dye (or bead) position in the sample, nm, before drift.</summary>
public readonly record struct SampleLabel(double XNm, double YNm, double ZNm);

/// <summary>
/// Builds the label positions of a sample over a field of view: the chosen structure, thinned by the
/// labelling efficiency, displaced by the linkage error and kept inside the field. Deterministic.
/// </summary>
public static class SampleGenerator
{
    /// <summary>Step along a worm-like chain, nm: short against any persistence length we allow.</summary>
    private const double ChainStepNm = 10;

    /// <summary>Filament z wanders as a sine along its length with a period in this range, nm.</summary>
    private const double MinZPeriodNm = 5_000;
    private const double MaxZPeriodNm = 20_000;

    /// <summary>Corners of the nuclear pore's eight-fold symmetric ring.</summary>
    private const int NuclearPoreCorners = 8;

    public static List<SampleLabel> Generate(SampleSettings sample, double widthNm, double heightNm, ref Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var labels = new List<SampleLabel>();
        switch (sample.Structure)
        {
            case SampleStructure.Microtubules:
                AddMicrotubules(labels, sample, widthNm, heightNm, ref rng);
                break;
            case SampleStructure.NuclearPores:
                AddNuclearPores(labels, sample, widthNm, heightNm, ref rng);
                break;
            case SampleStructure.Clusters:
                AddClusters(labels, sample, widthNm, heightNm, ref rng);
                break;
            case SampleStructure.Uniform:
                int count = RandomDistributions.Poisson(ref rng, sample.Uniform.DensityPerUm2 * widthNm * heightNm * 1e-6);
                for (int i = 0; i < count; i++)
                {
                    AddLabel(labels, sample, rng.NextDouble() * widthNm, rng.NextDouble() * heightNm, RandomZ(sample, ref rng), ref rng);
                }

                break;
            case SampleStructure.Grid:
                double spacing = sample.Grid.SpacingNm;
                double zMid = 0.5 * (sample.ZMinNm + sample.ZMaxNm);
                for (double y = spacing / 2; y < heightNm; y += spacing)
                {
                    for (double x = spacing / 2; x < widthNm; x += spacing)
                    {
                        AddLabel(labels, sample, x, y, zMid, ref rng);
                    }
                }

                break;
            default:
                throw new ArgumentException($"sample.structure = {sample.Structure} is not known.", nameof(sample));
        }

        // Filaments and clusters spill over the edges; a dye the sensor never sees only costs time.
        labels.RemoveAll(l => l.XNm < 0 || l.XNm >= widthNm || l.YNm < 0 || l.YNm >= heightNm);
        return labels;
    }

    /// <summary>Fiducial beads: uniform over the field of view, 1 µm from its edges when it is big enough, at mid z.</summary>
    public static List<SampleLabel> GenerateFiducials(SampleSettings sample, double widthNm, double heightNm, ref Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var beads = new List<SampleLabel>();
        int count = sample.Fiducials?.Count ?? 0;
        double marginX = Math.Min(1000, widthNm / 4);
        double marginY = Math.Min(1000, heightNm / 4);
        double zMid = 0.5 * (sample.ZMinNm + sample.ZMaxNm);
        for (int i = 0; i < count; i++)
        {
            beads.Add(new SampleLabel(
                marginX + (rng.NextDouble() * (widthNm - (2 * marginX))),
                marginY + (rng.NextDouble() * (heightNm - (2 * marginY))),
                zMid));
        }

        return beads;
    }

    // 2D worm-like chain: the tangent angle diffuses with variance step / persistence length per step.
    private static void AddMicrotubules(List<SampleLabel> labels, SampleSettings sample, double widthNm, double heightNm, ref Xoshiro256 rng)
    {
        MicrotubuleSettings mt = sample.Microtubules;
        double angleStep = Math.Sqrt(ChainStepNm / mt.PersistenceLengthNm);
        double labelsPerStep = mt.LabelsPerUm * ChainStepNm / 1000;
        double zMid = 0.5 * (sample.ZMinNm + sample.ZMaxNm);
        double zHalf = 0.5 * (sample.ZMaxNm - sample.ZMinNm);
        for (int f = 0; f < mt.Count; f++)
        {
            double x = rng.NextDouble() * widthNm;
            double y = rng.NextDouble() * heightNm;
            double angle = rng.NextDouble() * 2 * Math.PI;
            double zPeriod = MinZPeriodNm + (rng.NextDouble() * (MaxZPeriodNm - MinZPeriodNm));
            double zPhase = rng.NextDouble() * 2 * Math.PI;
            for (double s = 0; s < mt.LengthNm; s += ChainStepNm)
            {
                double dx = Math.Cos(angle) * ChainStepNm;
                double dy = Math.Sin(angle) * ChainStepNm;
                int n = RandomDistributions.Poisson(ref rng, labelsPerStep);
                for (int k = 0; k < n; k++)
                {
                    double along = rng.NextDouble();
                    double z = zMid + (zHalf * Math.Sin((2 * Math.PI * (s + (along * ChainStepNm)) / zPeriod) + zPhase));
                    AddLabel(labels, sample, x + (along * dx), y + (along * dy), z, ref rng);
                }

                x += dx;
                y += dy;
                angle += angleStep * RandomDistributions.StandardNormal(ref rng);
            }
        }
    }

    private static void AddNuclearPores(List<SampleLabel> labels, SampleSettings sample, double widthNm, double heightNm, ref Xoshiro256 rng)
    {
        NuclearPoreSettings npc = sample.NuclearPores;
        double radius = npc.DiameterNm / 2;
        for (int p = 0; p < npc.Count; p++)
        {
            double cx = rng.NextDouble() * widthNm;
            double cy = rng.NextDouble() * heightNm;
            double z = RandomZ(sample, ref rng);
            double rotation = rng.NextDouble() * 2 * Math.PI;
            for (int corner = 0; corner < NuclearPoreCorners; corner++)
            {
                double a = rotation + (2 * Math.PI * corner / NuclearPoreCorners);
                for (int c = 0; c < npc.CopiesPerCorner; c++)
                {
                    AddLabel(labels, sample, cx + (radius * Math.Cos(a)), cy + (radius * Math.Sin(a)), z, ref rng);
                }
            }
        }
    }

    private static void AddClusters(List<SampleLabel> labels, SampleSettings sample, double widthNm, double heightNm, ref Xoshiro256 rng)
    {
        ClusterSettings cl = sample.Clusters;
        for (int c = 0; c < cl.Count; c++)
        {
            double cx = rng.NextDouble() * widthNm;
            double cy = rng.NextDouble() * heightNm;
            double z = RandomZ(sample, ref rng);
            int n = RandomDistributions.Poisson(ref rng, cl.MeanLabelsPerCluster);
            for (int k = 0; k < n; k++)
            {
                AddLabel(
                    labels,
                    sample,
                    cx + (cl.RadiusNm * RandomDistributions.StandardNormal(ref rng)),
                    cy + (cl.RadiusNm * RandomDistributions.StandardNormal(ref rng)),
                    z,
                    ref rng);
            }
        }
    }

    private static double RandomZ(SampleSettings sample, ref Xoshiro256 rng) =>
        sample.ZMinNm + (rng.NextDouble() * (sample.ZMaxNm - sample.ZMinNm));

    // A binding site becomes a label with the labelling efficiency, displaced by the linkage error
    // (in z only when the sample has a z range, so that a 2D sample stays at z = 0 exactly).
    private static void AddLabel(List<SampleLabel> labels, SampleSettings sample, double x, double y, double z, ref Xoshiro256 rng)
    {
        if (rng.NextDouble() >= sample.LabelingEfficiency)
        {
            return;
        }

        double e = sample.LinkageErrorNm;
        if (e > 0)
        {
            x += e * RandomDistributions.StandardNormal(ref rng);
            y += e * RandomDistributions.StandardNormal(ref rng);
            if (sample.ZMaxNm > sample.ZMinNm)
            {
                z += e * RandomDistributions.StandardNormal(ref rng);
            }
        }

        labels.Add(new SampleLabel(x, y, z));
    }
}
