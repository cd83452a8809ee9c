using System.Globalization;
using BitMiracle.LibTiff.Classic;
using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// sCMOS per-pixel calibration as one TIFF of three 32-bit float pages (any TIFF sample type reads):
/// page 0 offset (ADU), page 1 read-noise variance (ADU²), page 2 gain (e⁻/ADU), each the sensor's
/// size — the maps of Huang et al., Nat Methods 2013, measured from dark and flat-field stacks.
/// </summary>
public static class ScmosCalibrationFile
{
    public const int Pages = 3;

    private static readonly string[] PageNames = ["offset (ADU)", "variance (ADU²)", "gain (e⁻/ADU)"];

    /// <summary>
    /// Reads and checks the maps for a <paramref name="widthPx"/> × <paramref name="heightPx"/> stack.
    /// Errors name the file, the page and the first bad pixel.
    /// </summary>
    public static PixelCalibrationMaps Read(string path, int widthPx, int heightPx)
    {
        FileChecks.RequireExists(path, "sCMOS calibration file");
        using var reader = new TiffStackReader(path);
        if (reader.FrameCount != Pages)
        {
            throw FileChecks.Corrupt(path, $"holds {reader.FrameCount} pages; an sCMOS calibration file holds {Pages}: offset (ADU), variance (ADU²), gain (e⁻/ADU).");
        }

        if (reader.Width != widthPx || reader.Height != heightPx)
        {
            throw FileChecks.Corrupt(path, $"maps are {reader.Width}×{reader.Height} px but the stack is {widthPx}×{heightPx} px; the maps must cover the same sensor region.");
        }

        var maps = new float[Pages][];
        for (int page = 0; page < Pages; page++)
        {
            maps[page] = new float[widthPx * heightPx];
            reader.TryReadNext(maps[page]);
            Check(path, page, maps[page], widthPx);
        }

        return new PixelCalibrationMaps(maps[0], maps[1], maps[2]);
    }

    /// <summary>Writes maps in the layout <see cref="Read"/> expects (32-bit float, one page each).</summary>
    public static void Write(string path, PixelCalibrationMaps maps, int widthPx, int heightPx)
    {
        ArgumentNullException.ThrowIfNull(maps);
        maps.Validate(widthPx * heightPx);
        using Tiff tiff = Tiff.Open(path, "w") ?? throw new IOException($"Cannot create '{path}'.");
        float[][] pages = [maps.BaselineAdu, maps.VarianceAdu2, maps.ElectronsPerAdu];
        var row = new byte[widthPx * sizeof(float)];
        for (int page = 0; page < Pages; page++)
        {
            tiff.SetField(TiffTag.IMAGEWIDTH, widthPx);
            tiff.SetField(TiffTag.IMAGELENGTH, heightPx);
            tiff.SetField(TiffTag.BITSPERSAMPLE, 32);
            tiff.SetField(TiffTag.SAMPLEFORMAT, SampleFormat.IEEEFP);
            tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
            tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
            tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
            tiff.SetField(TiffTag.ROWSPERSTRIP, heightPx);
            tiff.SetField(TiffTag.IMAGEDESCRIPTION, "LiveSmlm sCMOS calibration: " + PageNames[page]);
            for (int y = 0; y < heightPx; y++)
            {
                Buffer.BlockCopy(pages[page], y * widthPx * sizeof(float), row, 0, row.Length);
                tiff.WriteScanline(row, y);
            }

            tiff.WriteDirectory();
        }
    }

    private static void Check(string path, int page, float[] values, int widthPx)
    {
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            bool ok = page switch
            {
                0 => v is >= 0 and < 65535,
                1 => v is >= 0 and < 1e8f,
                _ => v is > 0 and <= 1000,
            };
            if (!ok)
            {
                string allowed = page switch { 0 => "[0, 65535)", 1 => "[0, 1e8)", _ => "(0, 1000]" };
                throw FileChecks.Corrupt(path, string.Create(
                    CultureInfo.InvariantCulture,
                    $"page {page} ({PageNames[page]}) pixel ({i % widthPx}, {i / widthPx}) = {v}; allowed {allowed}."));
            }
        }
    }
}
