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
    private readonly StringBuilder _line = new(256);
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
            _line.Clear();
            _line.Append(_nextId++).Append(',');
            _line.Append((long)loc.Frame + 1).Append(',');
            Number(loc.XNm).Append(',');
            Number(loc.YNm).Append(',');
            if (_is3D)
            {
                Number(loc.ZNm).Append(',');
            }

            Number(Mean(loc.SigmaXNm, loc.SigmaYNm)).Append(',');
            Number(loc.Photons).Append(',');
            Number(loc.BackgroundPhotons).Append(',');
            Number(MathF.Sqrt(loc.BackgroundPhotons)).Append(',');
            Number(Mean(loc.UncertaintyXNm, loc.UncertaintyYNm)).Append(',');
            if (_is3D)
            {
                Number(loc.UncertaintyZNm).Append(',');
            }

            Number(loc.LogLikelihoodRatio);
            _writer.WriteLine(_line);
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

    private StringBuilder Number(float value) =>
        _line.Append(value.ToString("R", CultureInfo.InvariantCulture));
}
