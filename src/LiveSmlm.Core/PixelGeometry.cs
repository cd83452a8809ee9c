namespace LiveSmlm.Core;

/// <summary>
/// The one coordinate convention (ARCHITECTURE.md): nm, origin at the top-left corner of the top-left
/// pixel; pixel i covers [i·p, (i+1)·p), its centre is at (i + 0.5)·p. File formats convert here.
/// </summary>
public static class PixelGeometry
{
    /// <summary>Position in nm of a coordinate in pixel units whose pixel i covers [i, i+1).</summary>
    public static double PixelCornerToNm(double px, double pixelSizeNm) => px * pixelSizeNm;

    /// <summary>Position in pixel units (pixel i covers [i, i+1)) of a position in nm.</summary>
    public static double NmToPixelCorner(double nm, double pixelSizeNm) => nm / pixelSizeNm;

    /// <summary>Picasso/ImageJ-centre convention (pixel centre at an integer) to nm: (x + 0.5)·p.</summary>
    public static double PixelCentreToNm(double px, double pixelSizeNm) => (px + 0.5) * pixelSizeNm;

    /// <summary>nm to the pixel-centre-at-integer convention: x/p − 0.5.</summary>
    public static double NmToPixelCentre(double nm, double pixelSizeNm) => (nm / pixelSizeNm) - 0.5;
}
