using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace LiveSmlm.Cli;

/// <summary>
/// Progress for anything that takes seconds: a Spectre.Console bar with frames/s on a terminal, a
/// plain line every few seconds otherwise (CI logs, pipes). The work reports frames done.
/// </summary>
public static class CliProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static T Run<T>(CliConsole console, string what, long? totalFrames, Func<Action<long>, T> work)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(work);
        var clock = Stopwatch.StartNew();
        if (!console.Interactive)
        {
            TimeSpan next = PlainInterval;
            T plain = work(done =>
            {
                if (clock.Elapsed >= next)
                {
                    next = clock.Elapsed + PlainInterval;
                    console.Err.WriteLine(Line(what, done, totalFrames, clock.Elapsed));
                }
            });
            return plain;
        }

        var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Err) });
        T result = default!;
        ansi.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(what, maxValue: totalFrames ?? 1);
                task.IsIndeterminate = totalFrames is null;
                result = work(done =>
                {
                    task.Value = totalFrames is null ? 0 : done;
                    task.Description = Line(what, done, totalFrames, clock.Elapsed);
                });
                task.Value = task.MaxValue;
            });
        return result;
    }

    private static string Line(string what, long done, long? total, TimeSpan elapsed)
    {
        double fps = done / Math.Max(elapsed.TotalSeconds, 1e-9);
        string of = total is { } t ? string.Create(CultureInfo.InvariantCulture, $"/{t}") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{what}: {done}{of} frames, {fps:F0} frames/s");
    }
}
