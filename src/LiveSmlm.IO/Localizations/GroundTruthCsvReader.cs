using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Streams ground truth from our ground-truth CSV or from any ThunderSTORM localization CSV (then the
/// file's id column is the emitter id; without one, the row number is). Frames from 1 become from 0;
/// a missing z is 0 (in focus) and a missing intensity NaN.
/// </summary>
public static class GroundTruthCsvReader
{
    public static IEnumerable<GroundTruthEmitter> Read(string path)
    {
        var table = new CsvTable(path, "Ground-truth CSV");
        try
        {
            int id = table.Column("id");
            int frame = table.RequireColumn("frame");
            int x = table.RequireColumn("x");
            int y = table.RequireColumn("y");
            int z = table.Column("z");
            int intensity = table.Column("intensity", "photons");
            double xs = table.LengthScaleToNm(x), ys = table.LengthScaleToNm(y), zs = table.LengthScaleToNm(z);
            return Rows(table, id, frame, x, y, z, intensity, xs, ys, zs);
        }
        catch
        {
            table.Dispose();
            throw;
        }
    }

    private static IEnumerable<GroundTruthEmitter> Rows(
        CsvTable table, int id, int frame, int x, int y, int z, int intensity, double xs, double ys, double zs)
    {
        using (table)
        {
            long row = 0;
            while (table.ReadRow())
            {
                row++;
                long f = table.RequireInteger(frame, "frame") - 1;
                if (f < 0)
                {
                    throw FileChecks.Corrupt(table.Path, $"line {table.LineNumber}: frame {f + 1} must be 1 or more (frames count from 1).");
                }

                double xNm = table.Get(x) * xs, yNm = table.Get(y) * ys;
                if (!double.IsFinite(xNm) || !double.IsFinite(yNm))
                {
                    throw FileChecks.Corrupt(table.Path, $"line {table.LineNumber}: x and y must be finite numbers.");
                }

                double zNm = z >= 0 ? table.Get(z) * zs : 0;
                long emitterId = id >= 0 ? table.RequireInteger(id, "id") : row;
                yield return new GroundTruthEmitter(emitterId, f, xNm, yNm, zNm, table.Get(intensity));
            }
        }
    }
}
