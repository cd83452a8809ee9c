namespace LiveSmlm.Reconstruction;

/// <summary>
/// The drift trace as a PNG a person reads at a glance: x and y drift (nm) against frame, and a
/// reference trace (e.g. the simulator's truth) dashed when one is given. Drawn with ScottPlot.
/// </summary>
public static class DriftPlot
{
    public const int DefaultWidthPx = 900;
    public const int DefaultHeightPx = 450;

    public static void WritePng(string path, DriftTrace trace, string title, DriftTrace? reference = null, int widthPx = DefaultWidthPx, int heightPx = DefaultHeightPx)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(trace);
        if (widthPx < 100 || heightPx < 100)
        {
            throw new ArgumentOutOfRangeException(nameof(widthPx), $"Plot size {widthPx}×{heightPx} px is too small; at least 100×100.");
        }

        using var plot = new ScottPlot.Plot();
        double[] frames = Enumerable.Range(0, trace.FrameCount).Select(f => (double)f).ToArray();
        AddLine(plot, frames, trace.XNm, "x", ScottPlot.Colors.Blue, dashed: false);
        AddLine(plot, frames, trace.YNm, "y", ScottPlot.Colors.OrangeRed, dashed: false);
        if (reference is not null)
        {
            double[] refFrames = Enumerable.Range(0, reference.FrameCount).Select(f => (double)f).ToArray();
            AddLine(plot, refFrames, reference.XNm, "x (reference)", ScottPlot.Colors.Blue, dashed: true);
            AddLine(plot, refFrames, reference.YNm, "y (reference)", ScottPlot.Colors.OrangeRed, dashed: true);
        }

        plot.Title(title);
        plot.XLabel("frame");
        plot.YLabel("drift (nm)");
        plot.ShowLegend();
        plot.SavePng(path, widthPx, heightPx);
    }

    private static void AddLine(ScottPlot.Plot plot, double[] xs, IReadOnlyList<double> ys, string label, ScottPlot.Color color, bool dashed)
    {
        var line = plot.Add.ScatterLine(xs, ys.ToArray(), color);
        line.LegendText = label;
        line.LineWidth = dashed ? 1 : 2;
        if (dashed)
        {
            line.LinePattern = ScottPlot.LinePattern.Dashed;
        }
    }
}
