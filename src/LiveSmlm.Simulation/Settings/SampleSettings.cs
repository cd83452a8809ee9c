using System.Text.Json.Serialization;
using LiveSmlm.Core;

namespace LiveSmlm.Simulation;

/// <summary>Which structure the labels sit on.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SampleStructure>))]
public enum SampleStructure
{
    [JsonStringEnumMemberName("microtubules")]
    Microtubules,

    [JsonStringEnumMemberName("nuclearPores")]
    NuclearPores,

    [JsonStringEnumMemberName("clusters")]
    Clusters,

    [JsonStringEnumMemberName("uniform")]
    Uniform,

    [JsonStringEnumMemberName("grid")]
    Grid,
}

/// <summary>
/// The sample: a structure over the camera's field of view, how densely it is labelled, the linkage
/// error between structure and dye, the z range, and optional always-on fiducial beads.
/// Only the section of the chosen <see cref="Structure"/> is used.
/// </summary>
public sealed record SampleSettings
{
    public SampleStructure Structure { get; init; } = SampleStructure.Microtubules;

    public MicrotubuleSettings Microtubules { get; init; } = new();

    public NuclearPoreSettings NuclearPores { get; init; } = new();

    public ClusterSettings Clusters { get; init; } = new();

    public UniformSettings Uniform { get; init; } = new();

    public GridSettings Grid { get; init; } = new();

    /// <summary>
    /// Fraction of binding sites that carry a dye, 0–1. Thins every structure (e.g. ~0.5 for
    /// Nup96-SNAP; Thevathasan et al., Nat Methods 2019).
    /// </summary>
    public double LabelingEfficiency { get; init; } = 1;

    /// <summary>
    /// Distance dye–target, nm, applied as an isotropic Gaussian offset with this σ per axis
    /// (~10 nm for primary+secondary antibodies, ~5 nm for nanobodies; Ries et al., Nat Methods 2012).
    /// </summary>
    public double LinkageErrorNm { get; init; } = 5;

    /// <summary>Labels are placed with z in [ZMinNm, ZMaxNm]; both 0 for a flat 2D sample.</summary>
    public double ZMinNm { get; init; }

    public double ZMaxNm { get; init; }

    /// <summary>Null for no beads.</summary>
    public FiducialSettings? Fiducials { get; init; }

    public void Validate(string prefix)
    {
        SettingValidation.Require(Enum.IsDefined(Structure), SettingValidation.Join(prefix, "structure"), (int)Structure, "microtubules | nuclearPores | clusters | uniform | grid");
        SettingValidation.NotNull(Microtubules, SettingValidation.Join(prefix, "microtubules")).Validate(SettingValidation.Join(prefix, "microtubules"));
        SettingValidation.NotNull(NuclearPores, SettingValidation.Join(prefix, "nuclearPores")).Validate(SettingValidation.Join(prefix, "nuclearPores"));
        SettingValidation.NotNull(Clusters, SettingValidation.Join(prefix, "clusters")).Validate(SettingValidation.Join(prefix, "clusters"));
        SettingValidation.NotNull(Uniform, SettingValidation.Join(prefix, "uniform")).Validate(SettingValidation.Join(prefix, "uniform"));
        SettingValidation.NotNull(Grid, SettingValidation.Join(prefix, "grid")).Validate(SettingValidation.Join(prefix, "grid"));
        SettingValidation.Require(LabelingEfficiency is >= 0 and <= 1, SettingValidation.Join(prefix, "labelingEfficiency"), LabelingEfficiency, "[0, 1]");
        SettingValidation.Require(LinkageErrorNm is >= 0 and <= 1000, SettingValidation.Join(prefix, "linkageErrorNm"), LinkageErrorNm, "[0, 1000] nm");
        SettingValidation.Require(ZMinNm is >= -10_000 and <= 10_000, SettingValidation.Join(prefix, "zMinNm"), ZMinNm, "[-10000, 10000] nm");
        SettingValidation.Require(ZMaxNm >= ZMinNm && ZMaxNm <= 10_000, SettingValidation.Join(prefix, "zMaxNm"), ZMaxNm, "[zMinNm, 10000] nm");
        Fiducials?.Validate(SettingValidation.Join(prefix, "fiducials"));
    }
}

/// <summary>Microtubules as 2D worm-like chains with a slowly wandering z (SuReSim-like filaments).</summary>
public sealed record MicrotubuleSettings
{
    public int Count { get; init; } = 30;

    /// <summary>Persistence length, nm; microtubules are stiff (~mm in vitro), in cells effectively ~10–100 µm.</summary>
    public double PersistenceLengthNm { get; init; } = 20_000;

    public double LengthNm { get; init; } = 15_000;

    /// <summary>Labels per µm of filament before <see cref="SampleSettings.LabelingEfficiency"/>.</summary>
    public double LabelsPerUm { get; init; } = 50;

    public void Validate(string prefix)
    {
        SettingValidation.Require(Count is >= 0 and <= 100_000, SettingValidation.Join(prefix, "count"), Count, "[0, 100000]");
        SettingValidation.Require(PersistenceLengthNm is > 0 and <= 1e9, SettingValidation.Join(prefix, "persistenceLengthNm"), PersistenceLengthNm, "(0, 1e9] nm");
        SettingValidation.Require(LengthNm is > 0 and <= 1e7, SettingValidation.Join(prefix, "lengthNm"), LengthNm, "(0, 1e7] nm");
        SettingValidation.Require(LabelsPerUm is >= 0 and <= 10_000, SettingValidation.Join(prefix, "labelsPerUm"), LabelsPerUm, "[0, 10000] per µm");
    }
}

/// <summary>
/// Nuclear pore complexes: 8 corners on a ring of ~107 nm diameter (Nup96; Thevathasan et al.,
/// Nat Methods 2019), randomly rotated, with copies per corner.
/// </summary>
public sealed record NuclearPoreSettings
{
    public int Count { get; init; } = 200;

    public double DiameterNm { get; init; } = 107;

    public int CopiesPerCorner { get; init; } = 4;

    public void Validate(string prefix)
    {
        SettingValidation.Require(Count is >= 0 and <= 1_000_000, SettingValidation.Join(prefix, "count"), Count, "[0, 1000000]");
        SettingValidation.Require(DiameterNm is > 0 and <= 10_000, SettingValidation.Join(prefix, "diameterNm"), DiameterNm, "(0, 10000] nm");
        SettingValidation.Require(CopiesPerCorner is >= 1 and <= 1000, SettingValidation.Join(prefix, "copiesPerCorner"), CopiesPerCorner, "[1, 1000]");
    }
}

/// <summary>Gaussian clusters with a Poisson number of labels each.</summary>
public sealed record ClusterSettings
{
    public int Count { get; init; } = 100;

    /// <summary>Gaussian σ of each cluster, nm.</summary>
    public double RadiusNm { get; init; } = 50;

    public double MeanLabelsPerCluster { get; init; } = 20;

    public void Validate(string prefix)
    {
        SettingValidation.Require(Count is >= 0 and <= 1_000_000, SettingValidation.Join(prefix, "count"), Count, "[0, 1000000]");
        SettingValidation.Require(RadiusNm is >= 0 and <= 100_000, SettingValidation.Join(prefix, "radiusNm"), RadiusNm, "[0, 100000] nm");
        SettingValidation.Require(MeanLabelsPerCluster is >= 0 and <= 100_000, SettingValidation.Join(prefix, "meanLabelsPerCluster"), MeanLabelsPerCluster, "[0, 100000]");
    }
}

/// <summary>Labels uniformly at random over the field of view.</summary>
public sealed record UniformSettings
{
    public double DensityPerUm2 { get; init; } = 50;

    public void Validate(string prefix) =>
        SettingValidation.Require(DensityPerUm2 is >= 0 and <= 1e6, SettingValidation.Join(prefix, "densityPerUm2"), DensityPerUm2, "[0, 1e6] per µm²");
}

/// <summary>One label per site of a square grid, starting half a spacing from the corner.</summary>
public sealed record GridSettings
{
    public double SpacingNm { get; init; } = 1000;

    public void Validate(string prefix) =>
        SettingValidation.Require(SpacingNm is >= 1 and <= 1e7, SettingValidation.Join(prefix, "spacingNm"), SpacingNm, "[1, 1e7] nm");
}

/// <summary>Always-on fiducial beads at random positions: drift markers.</summary>
public sealed record FiducialSettings
{
    public int Count { get; init; } = 3;

    public double PhotonsPerFrame { get; init; } = 20_000;

    public void Validate(string prefix)
    {
        SettingValidation.Require(Count is >= 0 and <= 10_000, SettingValidation.Join(prefix, "count"), Count, "[0, 10000]");
        SettingValidation.Require(PhotonsPerFrame is >= 0 and <= 1e9, SettingValidation.Join(prefix, "photonsPerFrame"), PhotonsPerFrame, "[0, 1e9]");
    }
}
