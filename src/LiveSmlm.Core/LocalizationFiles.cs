namespace LiveSmlm.Core;

/// <summary>What a localization file records about where its localizations came from.</summary>
public sealed record LocalizationSetInfo
{
    public double PixelSizeNm { get; init; } = 100;

    /// <summary>Camera frame width and height in pixels (Picasso checks them).</summary>
    public int WidthPx { get; init; }

    public int HeightPx { get; init; }

    /// <summary>Number of frames in the movie the localizations came from.</summary>
    public long Frames { get; init; }

    public string GeneratedBy { get; init; } = "LiveSmlm";

    /// <summary>Fitting ROI side, pixels (Picasso's "Box Size").</summary>
    public int BoxSizePx { get; init; } = 7;

    public bool Is3D { get; init; }
}

/// <summary>
/// Writes localizations as they come (streaming). Called from one thread. Complete finishes the file
/// (a format that needs its row count up front, such as Picasso HDF5, writes it then); Dispose
/// without Complete leaves whatever the format can keep after a crash.
/// </summary>
public interface ILocalizationWriter : IDisposable
{
    void Write(ReadOnlySpan<Localization> batch);

    void Complete();
}
