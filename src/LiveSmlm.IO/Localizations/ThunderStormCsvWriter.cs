using System.Globalization;
using System.Text;
using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Writes localizations as a ThunderSTORM 1.3 CSV (nm, pixel-corner origin, frames from 1, ids from
/// 1), streaming; each batch reaches the OS when Write returns, so a crash keeps whole rows.
/// </summary>
/// <remarks>
/// ThunderSTORM has one sigma and one lateral uncertainty: we write the mean of the x and y values.
/// offset is the background in photons per pixel, bkgstd its Poisson standard deviation √offset,
/// chi2 our log-likelihood ratio. 3D adds "z [nm]" after y and "uncertainty_z [nm]" after uncertainty.
/// </remarks>
public sealed class ThunderStormCsvWriter : ILocalizationWriter
{
    /// <summary>The ThunderSTORM 1.3 2D header (FORMATS.md), without our trailing chi2.</summary>
    public const string Header2D =
        "\"id\",\"frame\",\"x [nm]\",\"y [nm]\",\"sigma [nm]\",\"intensity [photon]\",\"offset [photon]\",\"bkgstd [photon]\",\"uncertainty [nm]\"";

    private readonly StreamWriter _writer;
    private readonly bool _is3D;
    // One row's characters: formatted in place (TryFormat), so a row allocates nothing.
    private readonly char[] _line = new char[512];
    private int _length;
    private long _nextId = 1;
    private bool _disposed;

    public ThunderStormCsvWriter(string path, LocalizationSetInfo info)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(info);
        Path = path;
        _is3D = info.Is3D;
        _writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16)
        {
            NewLine = "\n",
        };
        _writer.WriteLine(HeaderFor(_is3D));
        _writer.Flush();
    }

    public string Path { get; }

    public long RowsWritten => _nextId - 1;

    /// <summary>The exact header line this writer puts first.</summary>
    public static string HeaderFor(bool is3D) => is3D
        ? "\"id\",\"frame\",\"x [nm]\",\"y [nm]\",\"z [nm]\",\"sigma [nm]\",\"intensity [photon]\",\"offset [photon]\",\"bkgstd [photon]\",\"uncertainty [nm]\",\"uncertainty_z [nm]\",\"chi2\""
        : Header2D + ",\"chi2\"";

    public void Write(ReadOnlySpan<Localization> batch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (ref readonly var loc in batch)
        {
            _length = 0;
            Integer(_nextId++);
            Integer((long)loc.Frame + 1);
            Number(loc.XNm);
            Number(loc.YNm);
            if (_is3D)
            {
                Number(loc.ZNm);
            }

            Number(Mean(loc.SigmaXNm, loc.SigmaYNm));
            Number(loc.Photons);
            Number(loc.BackgroundPhotons);
            Number(MathF.Sqrt(loc.BackgroundPhotons));
            Number(Mean(loc.UncertaintyXNm, loc.UncertaintyYNm));
            if (_is3D)
            {
                Number(loc.UncertaintyZNm);
            }

            Number(loc.LogLikelihoodRatio);

            // The last field's comma becomes the line end.
            _line[_length - 1] = '\n';
            _writer.Write(_line, 0, _length);
        }

        _writer.Flush();
    }

    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _writer.Flush();
        _writer.BaseStream.Flush();
        ((FileStream)_writer.BaseStream).Flush(flushToDisk: true);
        Dispose();
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _writer.Dispose();
        }
    }

    private static float Mean(float a, float b) => 0.5f * (a + b);

    // Round-trip ("R") text of the value, then a comma.
    private void Number(float value)
    {
        if (!value.TryFormat(_line.AsSpan(_length), out int written, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"ThunderSTORM CSV row buffer too short for {value}");
        }

        _length += written;
        _line[_length++] = ',';
    }

    private void Integer(long value)
    {
        value.TryFormat(_line.AsSpan(_length), out int written, default, CultureInfo.InvariantCulture);
        _length += written;
        _line[_length++] = ',';
    }
}
