using System.ComponentModel;
using System.Diagnostics;

namespace LiveSmlm.Reconstruction.Tests;

/// <summary>Runs an independent command-line reader (python3, pngcheck) and captures what it says.</summary>
internal static class ExternalTool
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string executable, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return new Result(process.ExitCode, stdout, stderr.GetAwaiter().GetResult());
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"The independent reader '{executable}' is not installed; scripts/test.sh installs it (Debian package python3 or pngcheck).", ex);
        }
    }
}
