using System.Globalization;
using LiveSmlm.Core;

namespace LiveSmlm.IO.Tests.Localizations;

/// <summary>
/// `.smlm` read back without .NET's ZIP code or ours: Debian's `unzip` checks and extracts the archive,
/// and a python3 stdlib script (json + struct) decodes manifest.json and table.bin as the spec
/// (FORMATS.md, smlm-file-format 0.2) describes them. Its values are compared with what was written.
/// </summary>
public sealed class SmlmIndependentReaderTests : IDisposable
{
    // Prints "headers", "dtype", "units", the file entry's rows and pixel size, then every row (repr of
    // each value: exact for float32 and uint32), then "min"/"max" per column as the manifest has them and
    // as computed from the table.
    private const string Decoder = """
        import json, struct, sys
        folder = sys.argv[1]
        m = json.load(open(folder + '/manifest.json'))
        assert m['format_version'] == '0.2', m['format_version']
        fmt = m['formats']['smlm-table(binary)']
        assert fmt['type'] == 'table' and fmt['mode'] == 'binary'
        f = m['files'][0]
        assert f['format'] == 'smlm-table(binary)' and f['type'] == 'table'
        codes = {'float32': 'f', 'uint32': 'I'}
        layout = '<' + ''.join(codes[d] for d in fmt['dtype'])
        size = struct.calcsize(layout)
        data = open(folder + '/' + f['name'], 'rb').read()
        assert len(data) == size * f['rows'], (len(data), size, f['rows'])
        keys = ['format_version', 'name', 'description', 'tags', 'thumbnail', 'sample', 'labeling', 'date', 'author', 'citation', 'email', 'formats', 'files']
        print('keys', *[k for k in keys if k in m])
        print('name', m['name'], 'tags', len(m['tags']), 'thumbnail', m['thumbnail'])
        print('layout', fmt['extension'], f['channel'], f['offset']['x'], f['offset']['y'], *fmt['shape'])
        print('headers', *fmt['headers'])
        print('dtype', *fmt['dtype'])
        print('units', *[u if u else '-' for u in fmt['units']])
        print('columns', fmt['columns'], 'rows', f['rows'], 'pixel_size_nm', repr(float(f['pixel_size_nm'])))
        rows = [struct.unpack_from(layout, data, i * size) for i in range(f['rows'])]
        for r in rows:
            print('row', *[repr(v) for v in r])
        for c, h in enumerate(fmt['headers']):
            values = [r[c] for r in rows if r[c] == r[c]]
            if values:
                print('extremes', h, repr(float(f['min'][h])), repr(float(f['max'][h])), repr(float(min(values))), repr(float(max(values))))
        """;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Table_DecodedByUnzipAndPython_HoldsEveryWrittenValue(bool is3D)
    {
        Localization[] locs = Locs.Make(37, is3D, seed: 4);
        locs[5].Frame = 16_777_217; // above 2^24: a frame stored through float32 would lose it
        string path = _dir.File("locs.smlm");
        using (var writer = new SmlmWriter(path, new LocalizationSetInfo { Is3D = is3D, PixelSizeNm = 107.5 }))
        {
            writer.Write(locs.AsSpan(0, 20));
            writer.Write(locs.AsSpan(20));
            writer.Complete();
        }

        string test = Tool.Run("unzip", "-t", path);
        Assert.Contains("No errors detected", test, StringComparison.Ordinal);
        string[] entries = Tool.Run("unzip", "-Z1", path).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["manifest.json", "table.bin"], entries.Order(StringComparer.Ordinal));
        string folder = _dir.File("unzipped");
        Tool.Run("unzip", "-q", "-o", path, "-d", folder);
        string script = _dir.File("decode.py");
        File.WriteAllText(script, Decoder);
        string[] lines = Tool.Run("python3", script, folder).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["format_version", "name", "description", "tags", "thumbnail", "sample", "labeling", "date", "author", "citation", "email", "formats", "files"], Field(lines, "keys"));
        Assert.Equal(["locs", "tags", "0", "thumbnail", "None"], Field(lines, "name"));
        string[] headers = Field(lines, "headers");
        Assert.Equal([".bin", "default", "0", "0", .. Enumerable.Repeat("1", headers.Length)], Field(lines, "layout"));
        string[] expectedHeaders = is3D
            ? ["x", "y", "z", "frame", "intensity", "background", "sigma_x", "sigma_y", "uncertainty_x", "uncertainty_y", "uncertainty_z", "log_likelihood_ratio"]
            : ["x", "y", "frame", "intensity", "background", "sigma_x", "sigma_y", "uncertainty_x", "uncertainty_y", "log_likelihood_ratio"];
        Assert.Equal(expectedHeaders, headers);
        Assert.Equal(headers.Select(h => h == "frame" ? "uint32" : "float32"), Field(lines, "dtype"));
        string[] units = Field(lines, "units");
        Assert.Equal("nm", units[0]);
        Assert.Equal("nm", units[1]);
        Assert.Equal("frame", units[Array.IndexOf(headers, "frame")]);
        Assert.Equal("photon", units[Array.IndexOf(headers, "intensity")]);
        Assert.Equal(["columns", headers.Length.ToString(CultureInfo.InvariantCulture), "rows", "37", "pixel_size_nm", "107.5"], lines.Single(l => l.StartsWith("columns ", StringComparison.Ordinal)).Split(' '));

        string[][] rows = lines.Where(l => l.StartsWith("row ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1..]).ToArray();
        Assert.Equal(locs.Length, rows.Length);
        for (int r = 0; r < locs.Length; r++)
        {
            for (int c = 0; c < headers.Length; c++)
            {
                double value = double.Parse(rows[r][c], CultureInfo.InvariantCulture);
                Assert.True(Expected(locs[r], headers[c]) == value, $"row {r} column {headers[c]}: wrote {Expected(locs[r], headers[c])}, python read {rows[r][c]}");
            }
        }

        // The manifest's min/max equal the extremes python finds in the table itself.
        var extremes = lines.Where(l => l.StartsWith("extremes ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToArray();
        Assert.Equal(headers.Length, extremes.Length);
        foreach (string[] e in extremes)
        {
            double[] v = e[2..].Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            Assert.True(v[0] == v[2] && v[1] == v[3], $"column {e[1]}: manifest min/max {v[0]}/{v[1]}, table {v[2]}/{v[3]}");
        }
    }

    private static string[] Field(string[] lines, string name) =>
        lines.Single(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Split(' ')[1..];

    private static double Expected(Localization l, string header) => header switch
    {
        "x" => l.XNm,
        "y" => l.YNm,
        "z" => l.ZNm,
        "frame" => (double)l.Frame, // as double: the switch's type would otherwise be float, which cannot hold every frame
        "intensity" => l.Photons,
        "background" => l.BackgroundPhotons,
        "sigma_x" => l.SigmaXNm,
        "sigma_y" => l.SigmaYNm,
        "uncertainty_x" => l.UncertaintyXNm,
        "uncertainty_y" => l.UncertaintyYNm,
        "uncertainty_z" => l.UncertaintyZNm,
        "log_likelihood_ratio" => l.LogLikelihoodRatio,
        _ => throw new InvalidDataException($"unexpected header {header}"),
    };
}
