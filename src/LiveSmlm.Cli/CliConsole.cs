namespace LiveSmlm.Cli;

/// <summary>
/// Where a command writes: results to Out (JSON that scripts parse), progress and messages to Err,
/// so that `livesmlm evaluate … > result.json` stays clean.
/// </summary>
public sealed class CliConsole(TextWriter stdout, TextWriter stderr)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Err { get; } = stderr;

    /// <summary>True when progress bars may be drawn (an interactive terminal on stderr).</summary>
    public bool Interactive { get; } =
        ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null;
}
