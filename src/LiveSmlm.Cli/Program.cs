using System.CommandLine;
using LiveSmlm.Cli.Commands;

namespace LiveSmlm.Cli;

/// <summary>
/// `livesmlm`: simulate, analyze, evaluate, bench, acquire, recover. Each command lives in Commands/; errors from bad
/// input are turned into one clear line and a non-zero exit code by <see cref="CliErrors"/>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        return Run(args, Console.Out, Console.Error);
    }

    /// <summary>Runs the CLI in-process (tests call this) with the given output writers.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        var console = new CliConsole(stdout, stderr);
        var root = new RootCommand(
            "LiveSmlm: real-time single-molecule localization microscopy — simulate a rig, analyze stacks, evaluate against ground truth, benchmark the engine.");
        root.Subcommands.Add(SimulateCommand.Create(console));
        root.Subcommands.Add(AnalyzeCommand.Create(console));
        root.Subcommands.Add(EvaluateCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        root.Subcommands.Add(AcquireCommand.Create(console));
        root.Subcommands.Add(RecoverCommand.Create(console));

        var config = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
        };
        return root.Parse(args).Invoke(config);
    }
}
