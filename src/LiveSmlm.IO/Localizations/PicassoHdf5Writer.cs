using System.Globalization;
using System.Runtime.InteropServices;
using LiveSmlm.Core;
using PureHDF;
using PureHDF.Selections;

namespace LiveSmlm.IO;

/// <summary>
/// Writes Picasso localizations: `locs.hdf5` (dataset `locs`, compound, FORMATS.md field order) plus
/// the multi-document `.yaml` sidecar. Rows stream to an append-only spill file next to the target
/// (PureHDF cannot grow a dataset); Complete builds the HDF5 from it in chunks and deletes it.
/// </summary>
/// <remarks>
/// Crash semantics: the spill `&lt;path&gt;.spill` holds every row of every returned Write as packed
/// little-endian Picasso records; <see cref="CompleteFromSpill"/> turns it into the HDF5 later.
/// </remarks>
public sealed class PicassoHdf5Writer : ILocalizationWriter
{
    /// <summary>Rows per hyperslab when copying the spill into the HDF5 (1.5–2 MB per chunk).</summary>
    private const int RowsPerChunk = 32_768;

    private readonly LocalizationSetInfo _info;
    private readonly FileStream _spill;
    private PicassoRecord2D[] _rows2D = [];
    private PicassoRecord3D[] _rows3D = [];
    private long _maxFrame = -1;
    private bool _disposed;

    public PicassoHdf5Writer(string path, LocalizationSetInfo info)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(info);
        if (!double.IsFinite(info.PixelSizeNm) || info.PixelSizeNm <= 0)
        {
            throw new ArgumentException($"info.PixelSizeNm must be a positive number of nm; got {info.PixelSizeNm}.", nameof(info));
        }

        Path = path;
        _info = info;
        _spill = new FileStream(SpillPath(path), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
    }

    public string Path { get; }

    public long RowsWritten { get; private set; }

    /// <summary>The append-only record file that backs a writer for <paramref name="path"/>.</summary>
    public static string SpillPath(string path) => path + ".spill";

    /// <summary>The sidecar Picasso expects: same base name, .yaml.</summary>
    public static string YamlPath(string path) => System.IO.Path.ChangeExtension(path, ".yaml");

    public void Write(ReadOnlySpan<Localization> batch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        double p = _info.PixelSizeNm;
        if (_info.Is3D)
        {
            EnsureCapacity(ref _rows3D, batch.Length);
            for (int i = 0; i < batch.Length; i++)
            {
                _rows3D[i] = PicassoConversion.To3D(batch[i], p);
            }

            _spill.Write(MemoryMarshal.AsBytes(_rows3D.AsSpan(0, batch.Length)));
        }
        else
        {
            EnsureCapacity(ref _rows2D, batch.Length);
            for (int i = 0; i < batch.Length; i++)
            {
                _rows2D[i] = PicassoConversion.To2D(batch[i], p);
            }

            _spill.Write(MemoryMarshal.AsBytes(_rows2D.AsSpan(0, batch.Length)));
        }

        foreach (ref readonly var loc in batch)
        {
            _maxFrame = Math.Max(_maxFrame, loc.Frame);
        }

        _spill.Flush();
        RowsWritten += batch.Length;
    }

    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _spill.Flush(flushToDisk: true);
        Dispose();
        Finish(Path, _info, _maxFrame);
    }

    /// <summary>Builds `path` and its yaml from the spill a crashed writer left, then deletes the spill.</summary>
    public static void CompleteFromSpill(string path, LocalizationSetInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        FileChecks.RequireExists(SpillPath(path), "Picasso spill file");
        Finish(path, info, maxFrame: -1);
    }

    /// <summary>
    /// Cuts a spill file that a kill left with a partial last row back to whole rows; returns the rows
    /// it holds. For <see cref="CompleteFromSpill"/> after a crash.
    /// </summary>
    public static long TrimSpill(string path, bool is3D)
    {
        string spill = SpillPath(path);
        FileChecks.RequireExists(spill, "Picasso spill file");
        int rowBytes = is3D ? Marshal.SizeOf<PicassoRecord3D>() : Marshal.SizeOf<PicassoRecord2D>();
        using var file = new FileStream(spill, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        long rows = file.Length / rowBytes;
        if (file.Length != rows * rowBytes)
        {
            file.SetLength(rows * rowBytes);
        }

        return rows;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _spill.Dispose();
        }
    }

    private static void Finish(string path, LocalizationSetInfo info, long maxFrame)
    {
        string spill = SpillPath(path);
        string temporary = path + ".tmp";
        if (info.Is3D)
        {
            BuildHdf5<PicassoRecord3D>(spill, temporary);
        }
        else
        {
            BuildHdf5<PicassoRecord2D>(spill, temporary);
        }

        File.Move(temporary, path, overwrite: true);
        File.WriteAllText(YamlPath(path), Yaml(info, Math.Max(info.Frames, maxFrame + 1)));
        File.Delete(spill);
    }

    private static void BuildHdf5<T>(string spillPath, string hdf5Path)
        where T : unmanaged
    {
        int rowBytes = Marshal.SizeOf<T>();
        using var spill = new FileStream(spillPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        if (spill.Length % rowBytes != 0)
        {
            throw new InvalidDataException($"'{spillPath}' is {spill.Length} bytes, not a whole number of {rowBytes}-byte rows; it is damaged.");
        }

        long rows = spill.Length / rowBytes;
        if (rows == 0)
        {
            new H5File { ["locs"] = Array.Empty<T>() }.Write(hdf5Path, PicassoConversion.WriteOptions);
            return;
        }

        var dataset = new H5Dataset<T[]>(fileDims: [(ulong)rows]);
        var file = new H5File { ["locs"] = dataset };
        var buffer = new T[(int)Math.Min(RowsPerChunk, rows)];
        using var writer = file.BeginWrite(hdf5Path, PicassoConversion.WriteOptions);
        for (long start = 0; start < rows; start += buffer.Length)
        {
            int count = (int)Math.Min(buffer.Length, rows - start);
            spill.ReadExactly(MemoryMarshal.AsBytes(buffer.AsSpan(0, count)));
            writer.Write(
                dataset,
                buffer,
                memorySelection: new HyperslabSelection(0, (ulong)count),
                fileSelection: new HyperslabSelection((ulong)start, (ulong)count));
        }
    }

    private static string Yaml(LocalizationSetInfo info, long frames)
    {
        var c = CultureInfo.InvariantCulture;
        return SidecarYaml.Write(
        [
            [
                ("Byte Order", "<"),
                ("Data Type", "uint16"),
                ("Frames", frames.ToString(c)),
                ("Height", info.HeightPx.ToString(c)),
                ("Width", info.WidthPx.ToString(c)),
            ],
            [
                ("Generated by", info.GeneratedBy),
                ("Box Size", info.BoxSizePx.ToString(c)),

                // Our detector does not threshold on net gradient, so no minimum was applied.
                ("Min. Net Gradient", "0"),
                ("Pixelsize", SidecarYaml.Number(info.PixelSizeNm)),
            ],
        ]);
    }

    private static void EnsureCapacity<T>(ref T[] rows, int count)
    {
        if (rows.Length < count)
        {
            rows = new T[count];
        }
    }
}
