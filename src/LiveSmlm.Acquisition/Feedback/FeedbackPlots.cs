namespace LiveSmlm.Acquisition.Feedback;

/// <summary>
/// The density log as two PNGs a person reads at a glance (ScottPlot, as the drift plot): localizations per
/// frame against frame with the setpoint dashed, and the 405 nm power against frame.
/// </summary>
public static class FeedbackPlots
{
    public const string DensityFileName = "density.png";
    public const string PowerFileName = "power-405.png";
    private const int WidthPx = 900;
    private const int HeightPx = 400;

    /// <summary>Writes DIR/density.png and DIR/power-405.png; returns their paths.</summary>
    public static IReadOnlyList<string> Write(string dir, IReadOnlyList<DensityLogEntry> log, string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        ArgumentNullException.ThrowIfNull(log);
        double[] frames = [.. log.Select(e => e.Frame + (e.Frames / 2.0))];
        string density = Path.Combine(dir, DensityFileName);
        using (var plot = new ScottPlot.Plot())
        {
            Line(plot, frames, [.. log.Select(e => e.LocalizationsPerFrame)], "localizations per frame", ScottPlot.Colors.Blue, dashed: false);
            if (log.Any(e => e.FitFreePerFrame is not null))
            {
                Line(plot, frames, [.. log.Select(e => e.FitFreePerFrame ?? double.NaN)], "fit-free spots per frame", ScottPlot.Colors.Green, dashed: false);
            }

            if (log.Any(e => e.Setpoint is not null))
            {
                Line(plot, frames, [.. log.Select(e => e.Setpoint ?? double.NaN)], "setpoint", ScottPlot.Colors.Black, dashed: true);
            }

            plot.Title($"Density: {title}");
            plot.XLabel("frame");
            plot.YLabel("localizations per frame");
            plot.Axes.SetLimitsY(0, Math.Max(1, log.Select(e => Math.Max(e.LocalizationsPerFrame, e.Setpoint ?? 0)).DefaultIfEmpty(1).Max() * 1.2));
            plot.ShowLegend();
            plot.SavePng(density, WidthPx, HeightPx);
        }

        string power = Path.Combine(dir, PowerFileName);
        using (var plot = new ScottPlot.Plot())
        {
            Line(plot, frames, [.. log.Select(e => e.Power405Mw)], "405 nm power", ScottPlot.Colors.Purple, dashed: false);
            plot.Title($"405 nm power: {title}");
            plot.XLabel("frame");
            plot.YLabel("power (mW)");
            plot.SavePng(power, WidthPx, HeightPx);
        }

        return [density, power];
    }

    private static void Line(ScottPlot.Plot plot, double[] xs, double[] ys, string label, ScottPlot.Color color, bool dashed)
    {
        var line = plot.Add.ScatterLine(xs, ys, color);
        line.LegendText = label;
        line.LineWidth = dashed ? 1 : 2;
        if (dashed)
        {
            line.LinePattern = ScottPlot.LinePattern.Dashed;
        }
    }
}
