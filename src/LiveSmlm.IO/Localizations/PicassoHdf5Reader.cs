using System.Buffers.Binary;
using System.Globalization;
using LiveSmlm.Core;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace LiveSmlm.IO;

/// <summary>
/// Reads a Picasso `locs` table (any field set: frame, x, y required; the rest used when present)
/// into our localizations, converting pixels (centre at an integer) to nm. The result is a list, so
/// the whole table is in memory (the signature asks for it); the file is read in chunks.
/// </summary>
/// <remarks>Compound members are decoded little-endian, which is what Picasso (NumPy on x86/ARM) writes.</remarks>
public static class PicassoHdf5Reader
{
    private const int RowsPerChunk = 32_768;

    /// <summary>Reads with the pixel size from the sidecar yaml's `Pixelsize`.</summary>
    public static IReadOnlyList<Localization> Read(string path)
    {
        FileChecks.RequireExists(path, "Picasso HDF5 file");
        string yamlPath = PicassoHdf5Writer.YamlPath(path);
        if (!File.Exists(yamlPath))
        {
            throw new FileNotFoundException(
                $"Picasso sidecar '{yamlPath}' does not exist; it gives Pixelsize. Pass the pixel size with Read(path, pixelSizeNm) instead.",
                yamlPath);
        }

        string? text = SidecarYaml.Find(SidecarYaml.Read(yamlPath), "Pixelsize");
        if (text is null)
        {
            throw new InvalidDataException(
                $"'{yamlPath}' has no 'Pixelsize' (nm); add it or pass the pixel size with Read(path, pixelSizeNm).");
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double pixelSizeNm) || !(pixelSizeNm > 0))
        {
            throw new InvalidDataException($"'{yamlPath}': Pixelsize '{text}' must be a positive number of nm.");
        }

        return Read(path, pixelSizeNm);
    }

    /// <summary>
    /// What the sidecar .yaml of a Picasso file says about the movie (Pixelsize, Width, Height, Frames; a
    /// missing size or frame count is 0), so that a derived file (e.g. drift-corrected) can carry the same.
    /// </summary>
    public static LocalizationSetInfo ReadSidecarInfo(string path)
    {
        string yamlPath = PicassoHdf5Writer.YamlPath(path);
        FileChecks.RequireExists(yamlPath, "Picasso sidecar yaml");
        var documents = SidecarYaml.Read(yamlPath);
        string? pixel = SidecarYaml.Find(documents, "Pixelsize");
        if (pixel is null || !double.TryParse(pixel, NumberStyles.Float, CultureInfo.InvariantCulture, out double pixelSizeNm) || !(pixelSizeNm > 0))
        {
            throw new InvalidDataException($"'{yamlPath}': Pixelsize '{pixel ?? "(missing)"}' must be a positive number of nm.");
        }

        static int Int(IReadOnlyList<Dictionary<string, string>> docs, string key) =>
            int.TryParse(SidecarYaml.Find(docs, key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0 ? v : 0;
        return new LocalizationSetInfo
        {
            PixelSizeNm = pixelSizeNm,
            WidthPx = Int(documents, "Width"),
            HeightPx = Int(documents, "Height"),
            Frames = Int(documents, "Frames"),
        };
    }

    /// <summary>Reads with an explicit pixel size (nm), ignoring any sidecar.</summary>
    public static IReadOnlyList<Localization> Read(string path, double pixelSizeNm)
    {
        FileChecks.RequireExists(path, "Picasso HDF5 file");
        if (!double.IsFinite(pixelSizeNm) || pixelSizeNm <= 0)
        {
            throw new ArgumentException($"pixelSizeNm must be a positive number of nm; got {pixelSizeNm}.", nameof(pixelSizeNm));
        }

        NativeFile file;
        try
        {
            file = H5File.OpenRead(path);
        }
        catch (Exception ex) when (ex is not FileNotFoundException and not UnauthorizedAccessException)
        {
            throw new InvalidDataException($"'{path}' is not a readable HDF5 file: {ex.Message}", ex);
        }

        using (file)
        {
            if (!file.LinkExists("locs"))
            {
                throw new InvalidDataException($"'{path}' has no dataset 'locs'; a Picasso localization file has one.");
            }

            try
            {
                return ReadLocs(path, file, pixelSizeNm);
            }
            catch (Exception ex) when (ex is not InvalidDataException and not IOException)
            {
                throw new InvalidDataException($"'{path}': dataset 'locs' could not be read: {ex.Message}", ex);
            }
        }
    }

    private static List<Localization> ReadLocs(string path, NativeFile file, double pixelSizeNm)
    {
        var dataset = file.Dataset("locs");
        var members = Members(path, dataset);
        ulong rows = dataset.Space.Dimensions.Length == 1 ? dataset.Space.Dimensions[0] : 0;
        int rowBytes = (int)dataset.Type.Size;
        var result = new List<Localization>((int)Math.Min(rows, int.MaxValue));
        for (ulong start = 0; start < rows; start += RowsPerChunk)
        {
            ulong count = Math.Min(RowsPerChunk, rows - start);
            byte[] bytes = dataset.Read<byte[]>(new HyperslabSelection(start, count));
            for (int r = 0; r < (int)count; r++)
            {
                result.Add(members.Decode(bytes.AsSpan(r * rowBytes, rowBytes), pixelSizeNm));
            }
        }

        return result;
    }

    private static MemberMap Members(string path, IH5Dataset dataset)
    {
        if (dataset.Type.Class != H5DataTypeClass.Compound)
        {
            throw new InvalidDataException($"'{path}': dataset 'locs' is {dataset.Type.Class}; Picasso writes a compound (record) array.");
        }

        var map = new Dictionary<string, Field>(StringComparer.Ordinal);
        foreach (var member in dataset.Type.Compound.Members)
        {
            var kind = member.Type.Class switch
            {
                H5DataTypeClass.FloatingPoint when member.Type.Size == 4 => FieldKind.Float32,
                H5DataTypeClass.FloatingPoint when member.Type.Size == 8 => FieldKind.Float64,
                H5DataTypeClass.FixedPoint when member.Type.Size is 1 or 2 or 4 or 8 =>
                    member.Type.FixedPoint.IsSigned ? FieldKind.Signed : FieldKind.Unsigned,
                _ => FieldKind.Unknown,
            };
            map[member.Name] = new Field(member.Offset, (int)member.Type.Size, kind);
        }

        foreach (string required in new[] { "frame", "x", "y" })
        {
            if (!map.TryGetValue(required, out var field) || field.Kind == FieldKind.Unknown)
            {
                throw new InvalidDataException(
                    $"'{path}': dataset 'locs' has no numeric '{required}' field; frame, x and y are required (found: {string.Join(", ", map.Keys)}).");
            }
        }

        return new MemberMap(map);
    }

    private enum FieldKind
    {
        Unknown,
        Unsigned,
        Signed,
        Float32,
        Float64,
    }

    private readonly record struct Field(int Offset, int Size, FieldKind Kind)
    {
        public double Read(ReadOnlySpan<byte> row)
        {
            var b = row.Slice(Offset, Size);
            return (Kind, Size) switch
            {
                (FieldKind.Float32, _) => BinaryPrimitives.ReadSingleLittleEndian(b),
                (FieldKind.Float64, _) => BinaryPrimitives.ReadDoubleLittleEndian(b),
                (FieldKind.Unsigned, 1) => b[0],
                (FieldKind.Unsigned, 2) => BinaryPrimitives.ReadUInt16LittleEndian(b),
                (FieldKind.Unsigned, 4) => BinaryPrimitives.ReadUInt32LittleEndian(b),
                (FieldKind.Unsigned, 8) => BinaryPrimitives.ReadUInt64LittleEndian(b),
                (FieldKind.Signed, 1) => (sbyte)b[0],
                (FieldKind.Signed, 2) => BinaryPrimitives.ReadInt16LittleEndian(b),
                (FieldKind.Signed, 4) => BinaryPrimitives.ReadInt32LittleEndian(b),
                (FieldKind.Signed, 8) => BinaryPrimitives.ReadInt64LittleEndian(b),
                _ => double.NaN,
            };
        }
    }

    /// <summary>Where each field we use sits in a row; absent fields read as NaN.</summary>
    private sealed class MemberMap(Dictionary<string, Field> fields)
    {
        private readonly Field? _frame = Get(fields, "frame"), _x = Get(fields, "x"), _y = Get(fields, "y"),
            _photons = Get(fields, "photons"), _sx = Get(fields, "sx"), _sy = Get(fields, "sy"), _bg = Get(fields, "bg"),
            _lpx = Get(fields, "lpx"), _lpy = Get(fields, "lpy"),
            _logLikelihood = Get(fields, "log_likelihood") ?? Get(fields, "likelihood"),
            _iterations = Get(fields, "iterations"), _z = Get(fields, "z"), _lpz = Get(fields, "lpz");

        public Localization Decode(ReadOnlySpan<byte> row, double p)
        {
            var loc = Localization.Create(
                (int)Value(_frame, row),
                (float)PixelGeometry.PixelCentreToNm(Value(_x, row), p),
                (float)PixelGeometry.PixelCentreToNm(Value(_y, row), p),
                (float)Value(_photons, row));
            loc.SigmaXNm = (float)(Value(_sx, row) * p);
            loc.SigmaYNm = (float)(Value(_sy, row) * p);
            loc.BackgroundPhotons = (float)Value(_bg, row);
            loc.UncertaintyXNm = (float)(Value(_lpx, row) * p);
            loc.UncertaintyYNm = (float)(Value(_lpy, row) * p);
            loc.LogLikelihoodRatio = (float)(-2 * Value(_logLikelihood, row));
            double iterations = Value(_iterations, row);
            loc.Iterations = double.IsFinite(iterations) ? (int)iterations : 0;
            loc.ZNm = (float)Value(_z, row);
            loc.UncertaintyZNm = (float)Value(_lpz, row);
            return loc;
        }

        private static Field? Get(Dictionary<string, Field> fields, string name) =>
            fields.TryGetValue(name, out var f) && f.Kind != FieldKind.Unknown ? f : null;

        private static double Value(Field? field, ReadOnlySpan<byte> row) => field?.Read(row) ?? double.NaN;
    }
}
