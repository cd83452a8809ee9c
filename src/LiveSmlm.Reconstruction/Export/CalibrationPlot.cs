namespace LiveSmlm.Reconstruction;

/// <summary>
/// The 3D calibration at a glance: the measured bead widths σx, σy (points) against z, the fitted curves
/// (lines) and the usable z range (dashed verticals). Drawn with ScottPlot.
/// </summary>
public static class CalibrationPlot
{
    public static void WritePng(
        string path, IReadOnlyList<double> zNm, IReadOnlyList<double> sigmaXNm, IReadOnlyList<double> sigmaYNm,
        IReadOnlyList<double> curveZNm, IReadOnlyList<double> curveXNm, IReadOnlyList<double> curveYNm,
        double usableMinNm, double usableMaxNm, string title, int widthPx = 900, int heightPx = 500)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(zNm);
        ArgumentNullException.ThrowIfNull(curveZNm);
        using var plot = new ScottPlot.Plot();
        Points(plot, zNm, sigmaXNm, "σx measured", ScottPlot.Colors.Blue);
        Points(plot, zNm, sigmaYNm, "σy measured", ScottPlot.Colors.OrangeRed);
        Curve(plot, curveZNm, curveXNm, "σx(z) fit", ScottPlot.Colors.Navy);
        Curve(plot, curveZNm, curveYNm, "σy(z) fit", ScottPlot.Colors.DarkRed);
        foreach (double z in new[] { usableMinNm, usableMaxNm })
        {
            var line = plot.Add.VerticalLine(z, 1, ScottPlot.Colors.Gray);
            line.LinePattern = ScottPlot.LinePattern.Dashed;
        }

        plot.Title(title);
        plot.XLabel("z (nm)");
        plot.YLabel("PSF width σ (nm)");
        plot.ShowLegend();
        plot.SavePng(path, widthPx, heightPx);
    }

    private static void Points(ScottPlot.Plot plot, IReadOnlyList<double> x, IReadOnlyList<double> y, string label, ScottPlot.Color color)
    {
        var scatter = plot.Add.ScatterPoints(x.ToArray(), y.ToArray(), color);
        scatter.LegendText = label;
        scatter.MarkerSize = 3;
    }

    private static void Curve(ScottPlot.Plot plot, IReadOnlyList<double> x, IReadOnlyList<double> y, string label, ScottPlot.Color color)
    {
        var line = plot.Add.ScatterLine(x.ToArray(), y.ToArray(), color);
        line.LegendText = label;
        line.LineWidth = 2;
    }
}
