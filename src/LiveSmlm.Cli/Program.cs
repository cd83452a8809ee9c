using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using LiveSmlm.Cli.Commands;

namespace LiveSmlm.Cli;

/// <summary>
/// `livesmlm`: simulate, analyze, evaluate, bench, drift, acquire, recover. Each command lives in Commands/; errors from bad
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
        root.Subcommands.Add(DriftCommand.Create(console));
        root.Subcommands.Add(AcquireCommand.Create(console));
        root.Subcommands.Add(RecoverCommand.Create(console));
        root.Subcommands.Add(Calibrate3DCommand.Create(console));
        root.Subcommands.Add(SimulateBeadsCommand.Create(console));

        var config = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
        };
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            // Bad input like any other: one line naming the option, exit 2 (not the parser's help page and exit 1).
            stderr.WriteLine("error: " + string.Join(" ", parse.Errors.Select(Describe)) + HelpHint(parse));
            return CliErrors.BadInput;
        }

        return parse.Invoke(config);
    }

    /// <summary>A parse error on one line, prefixed with the option it belongs to when its message does not name it.</summary>
    private static string Describe(ParseError error)
    {
        string message = string.Join(' ', error.Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        string? option = error.SymbolResult switch
        {
            OptionResult o => o.Option.Name,
            ArgumentResult { Parent: OptionResult o } => o.Option.Name,
            _ => null,
        };
        return option is null || message.Contains(option, StringComparison.Ordinal) ? message : $"{option}: {message}";
    }

    private static string HelpHint(ParseResult parse) =>
        $" (see 'livesmlm {(parse.CommandResult.Command is RootCommand ? string.Empty : parse.CommandResult.Command.Name + " ")}--help')";
}
