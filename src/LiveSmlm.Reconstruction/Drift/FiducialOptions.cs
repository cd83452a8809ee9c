using System.Globalization;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// How fiducial beads are found among the localizations: bright enough, linked frame to frame
/// within a radius, and present in most frames; and how much their averaged trace is smoothed.
/// </summary>
public sealed record FiducialOptions
{
    /// <summary>Localizations dimmer than this (photons) are not bead candidates; 0 takes all and relies on persistence.</summary>
    public double MinPhotons { get; init; }

    /// <summary>A localization joins a track when it lies within this distance (nm) of the track's last position.</summary>
    public double LinkRadiusNm { get; init; } = 100;

    /// <summary>A track ends when it has not been seen for more than this many frames.</summary>
    public int MaxGapFrames { get; init; } = 10;

    /// <summary>A bead is a track present in at least this fraction of all frames seen.</summary>
    public double MinPresence { get; init; } = 0.5;

    /// <summary>Running mean over this many frames (odd; 1 = none) applied to the averaged bead displacement.</summary>
    public int SmoothingFrames { get; init; } = 51;

    public void Validate()
    {
        Require(double.IsFinite(MinPhotons) && MinPhotons >= 0, nameof(MinPhotons), MinPhotons, "≥ 0 photons");
        Require(double.IsFinite(LinkRadiusNm) && LinkRadiusNm > 0, nameof(LinkRadiusNm), LinkRadiusNm, "> 0 nm");
        Require(MaxGapFrames >= 0, nameof(MaxGapFrames), MaxGapFrames, "≥ 0 frames");
        Require(MinPresence is > 0 and <= 1, nameof(MinPresence), MinPresence, "(0, 1]");
        Require(SmoothingFrames >= 1 && SmoothingFrames % 2 == 1, nameof(SmoothingFrames), SmoothingFrames, "an odd number ≥ 1");
    }

    private static void Require(bool ok, string name, double value, string range)
    {
        if (!ok)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Fiducial setting {name} = {value} is out of range; allowed {range}."), name);
        }
    }
}
