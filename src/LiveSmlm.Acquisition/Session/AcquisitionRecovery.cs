using LiveSmlm.Core;
using LiveSmlm.IO;

namespace LiveSmlm.Acquisition.Session;

/// <summary>What `livesmlm recover DIR` did.</summary>
/// <param name="RawFrames">Whole frames in raw.ome.tif after recovery.</param>
/// <param name="RawBytesRemoved">Bytes of a partial last page cut off.</param>
/// <param name="RawCountPatched">The OME-XML frame count was set to the pages kept.</param>
/// <param name="Localizations">Rows in locs.hdf5 (built from its spill), or -1 when there was no spill.</param>
/// <param name="CsvBytesRemoved">Bytes of a partial last line cut from locs.csv.</param>
public sealed record RecoveryReport(long RawFrames, long RawBytesRemoved, bool RawCountPatched, long Localizations, long CsvBytesRemoved);

/// <summary>
/// Makes an acquisition folder that a crash (kill -9, power cut of the process) left readable: the raw
/// OME-TIFF up to its last completed frame (<see cref="OmeTiffRecovery"/>), locs.hdf5 + locs.yaml from
/// the HDF5 writer's spill of every flushed batch, and locs.csv without a partial last line.
/// </summary>
public static class AcquisitionRecovery
{
    public static RecoveryReport Recover(string dir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"Acquisition folder '{dir}' does not exist.");
        }

        string rawPath = Path.Combine(dir, AcquisitionRun.RawFileName);
        if (!File.Exists(rawPath))
        {
            throw new FileNotFoundException($"'{dir}' holds no {AcquisitionRun.RawFileName}; it is not an acquisition folder of `livesmlm acquire`.", rawPath);
        }

        OmeTiffRecoveryResult raw = OmeTiffRecovery.Recover(rawPath);
        if (raw.Pages == 0)
        {
            throw new InvalidDataException($"'{rawPath}' holds no complete frame; nothing to recover.");
        }

        int width, height;
        double pixelNm;
        using (var reader = new TiffStackReader(rawPath))
        {
            width = reader.Width;
            height = reader.Height;
            pixelNm = reader.PixelSizeNm ?? 100;
        }

        long rows = -1;
        string hdfPath = Path.Combine(dir, AcquisitionRun.Hdf5FileName);
        if (File.Exists(PicassoHdf5Writer.SpillPath(hdfPath)))
        {
            rows = PicassoHdf5Writer.TrimSpill(hdfPath, is3D: false);
            var info = new LocalizationSetInfo { PixelSizeNm = pixelNm, WidthPx = width, HeightPx = height, Frames = raw.Pages, GeneratedBy = "LiveSmlm acquire (recovered)" };
            PicassoHdf5Writer.CompleteFromSpill(hdfPath, info);
        }

        long csvCut = TrimPartialLine(Path.Combine(dir, AcquisitionRun.CsvFileName));
        return new RecoveryReport(raw.Pages, raw.BytesRemoved, raw.CountPatched, rows, csvCut);
    }

    // A CSV cut by a kill may end in half a row: keep it up to its last newline.
    private static long TrimPartialLine(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        long length = file.Length;
        var buffer = new byte[4096];
        long end = length;
        while (end > 0)
        {
            int take = (int)Math.Min(buffer.Length, end);
            file.Position = end - take;
            file.ReadExactly(buffer, 0, take);
            int newline = Array.LastIndexOf(buffer, (byte)'\n', take - 1);
            if (newline >= 0)
            {
                long keep = end - take + newline + 1;
                file.SetLength(keep);
                return length - keep;
            }

            end -= take;
        }

        return 0;
    }
}
