using System.Globalization;
using System.Xml.Linq;

namespace LiveSmlm.IO;

/// <summary>
/// Builds the OME-XML we put in the first page of an OME-TIFF, and reads the pixel size back from
/// any OME-XML (ours, Micro-Manager's, Bio-Formats') — OME schema 2016-06.
/// </summary>
internal static class OmeXml
{
    /// <summary>Width reserved for a frame count patched in place (long.MaxValue has 19 digits).</summary>
    public const int CountFieldWidth = 19;

    public const string SizeTAttribute = "SizeT=\"";

    public const string PlaneCountAttribute = "PlaneCount=\"";

    /// <summary>
    /// OME-XML with SizeT and PlaneCount written as <paramref name="frames"/> followed by spaces,
    /// so that a later count of up to 19 digits fits in the same bytes (whitespace between XML
    /// attributes is legal, so the padded text stays valid XML).
    /// </summary>
    public static string Build(int width, int height, double pixelSizeNm, long frames)
    {
        string size = pixelSizeNm.ToString("R", CultureInfo.InvariantCulture);
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\" "
            + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
            + "xsi:schemaLocation=\"http://www.openmicroscopy.org/Schemas/OME/2016-06 http://www.openmicroscopy.org/Schemas/OME/2016-06/ome.xsd\" "
            + "Creator=\"LiveSmlm\">"
            + "<Image ID=\"Image:0\" Name=\"LiveSmlm acquisition\">"
            + "<Pixels ID=\"Pixels:0\" DimensionOrder=\"XYZCT\" Type=\"uint16\" BigEndian=\"false\" "
            + $"SizeX=\"{width}\" SizeY=\"{height}\" SizeZ=\"1\" SizeC=\"1\" {PaddedCount(SizeTAttribute, frames)} "
            + $"PhysicalSizeX=\"{size}\" PhysicalSizeXUnit=\"nm\" PhysicalSizeY=\"{size}\" PhysicalSizeYUnit=\"nm\">"
            + "<Channel ID=\"Channel:0:0\" SamplesPerPixel=\"1\"><LightPath/></Channel>"
            + $"<TiffData IFD=\"0\" {PaddedCount(PlaneCountAttribute, frames)}/>"
            + "</Pixels></Image></OME>";
    }

    /// <summary>'Name="N"' followed by spaces to a fixed width.</summary>
    public static string PaddedCount(string attribute, long count)
    {
        string text = $"{attribute}{count.ToString(CultureInfo.InvariantCulture)}\"";
        return text.PadRight(attribute.Length + CountFieldWidth + 1);
    }

    /// <summary>Pixel size in nm from an OME-XML Pixels element, or null when absent.</summary>
    public static double? PixelSizeNm(string xml)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(xml);
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }

        var pixels = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "Pixels");
        string? value = pixels?.Attribute("PhysicalSizeX")?.Value;
        if (value is null || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double size))
        {
            return null;
        }

        // The OME schema's default unit for PhysicalSizeX is the micrometre.
        string unit = pixels!.Attribute("PhysicalSizeXUnit")?.Value ?? "µm";
        return LengthUnits.ToNm(size, unit);
    }
}

/// <summary>Length units found in microscopy metadata, converted to nanometres.</summary>
internal static class LengthUnits
{
    public static double? ToNm(double value, string unit) => unit.Trim() switch
    {
        "nm" => value,
        "µm" or "um" or "micron" or "microns" or "\u03bcm" => value * 1000,
        "mm" => value * 1e6,
        "pm" => value / 1000,
        "Å" or "A" => value / 10,
        _ => null,
    };
}
