using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Streams localizations from a ThunderSTORM CSV, accepting every column spelling in FORMATS.md
/// (uncertainty / uncertainty_xy, sigma / sigma1+sigma2, z, uncertainty_z, chi2, detections) and
/// ignoring unknown columns; frame, x and y are required. Frames from 1 become frames from 0.
/// </summary>
public static class ThunderStormCsvReader
{
    public static IEnumerable<Localization> Read(string path)
    {
        // Opened here, not lazily, so that a missing file or a bad header fails at the call.
        var table = new CsvTable(path, "ThunderSTORM CSV");
        try
        {
            return Rows(table, new Columns(table));
        }
        catch
        {
            table.Dispose();
            throw;
        }
    }

    private static IEnumerable<Localization> Rows(CsvTable table, Columns columns)
    {
        using (table)
        {
            while (table.ReadRow())
            {
                yield return columns.ToLocalization(table);
            }
        }
    }

    /// <summary>Which column holds which field, resolved once from the header.</summary>
    private sealed class Columns
    {
        private readonly int _frame, _x, _y, _z, _sigma, _sigma1, _sigma2, _intensity, _offset, _uncertainty, _uncertaintyZ, _chi2;
        private readonly double _xScale, _yScale, _zScale, _sigmaScale, _sigma1Scale, _sigma2Scale, _uncertaintyScale, _uncertaintyZScale;

        public Columns(CsvTable table)
        {
            _frame = table.RequireColumn("frame");
            _x = table.RequireColumn("x");
            _y = table.RequireColumn("y");
            _z = table.Column("z");
            _sigma = table.Column("sigma");
            _sigma1 = table.Column("sigma1", "sigmax", "sigma_x");
            _sigma2 = table.Column("sigma2", "sigmay", "sigma_y");
            _intensity = table.Column("intensity");
            _offset = table.Column("offset", "background", "bkg");
            _uncertainty = table.Column("uncertainty", "uncertainty_xy");
            _uncertaintyZ = table.Column("uncertainty_z");
            _chi2 = table.Column("chi2");
            _xScale = table.LengthScaleToNm(_x);
            _yScale = table.LengthScaleToNm(_y);
            _zScale = table.LengthScaleToNm(_z);
            _sigmaScale = table.LengthScaleToNm(_sigma);
            _sigma1Scale = table.LengthScaleToNm(_sigma1);
            _sigma2Scale = table.LengthScaleToNm(_sigma2);
            _uncertaintyScale = table.LengthScaleToNm(_uncertainty);
            _uncertaintyZScale = table.LengthScaleToNm(_uncertaintyZ);
        }

        public Localization ToLocalization(CsvTable table)
        {
            long frame = table.RequireInteger(_frame, "frame") - 1;
            if (frame < 0 || frame > int.MaxValue)
            {
                throw FileChecks.Corrupt(table.Path, $"line {table.LineNumber}: frame {frame + 1} is out of range; ThunderSTORM frames count from 1.");
            }

            double x = table.Get(_x), y = table.Get(_y);
            if (!double.IsFinite(x) || !double.IsFinite(y))
            {
                throw FileChecks.Corrupt(table.Path, $"line {table.LineNumber}: x and y must be finite numbers.");
            }

            var loc = Localization.Create((int)frame, (float)(x * _xScale), (float)(y * _yScale), (float)table.Get(_intensity));
            loc.ZNm = (float)(table.Get(_z) * _zScale);
            double sigma = table.Get(_sigma) * _sigmaScale;
            loc.SigmaXNm = (float)(_sigma1 >= 0 ? table.Get(_sigma1) * _sigma1Scale : sigma);
            loc.SigmaYNm = (float)(_sigma2 >= 0 ? table.Get(_sigma2) * _sigma2Scale : sigma);
            loc.BackgroundPhotons = (float)table.Get(_offset);
            double uncertainty = table.Get(_uncertainty) * _uncertaintyScale;
            loc.UncertaintyXNm = (float)uncertainty;
            loc.UncertaintyYNm = (float)uncertainty;
            loc.UncertaintyZNm = (float)(table.Get(_uncertaintyZ) * _uncertaintyZScale);
            loc.LogLikelihoodRatio = (float)table.Get(_chi2);
            return loc;
        }
    }
}
