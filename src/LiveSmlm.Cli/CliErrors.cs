using System.Globalization;
using LiveSmlm.Devices.Profiles;

namespace LiveSmlm.Cli;

/// <summary>
/// Turns an exception from bad input (file, profile field, option) into one line on stderr that names
/// the problem, and an exit code: 2 for bad input, 1 for any other failure. Never a bare stack trace.
/// </summary>
public static class CliErrors
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;

    public static int Guard(CliConsole console, Func<int> action)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return action();
        }
        catch (Exception ex) when (IsBadInput(ex))
        {
            console.Err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: {ex.Message}"));
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            console.Err.WriteLine("cancelled");
            return Failure;
        }
#pragma warning disable CA1031 // The CLI's last line of defence: report, never a raw stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            console.Err.WriteLine($"error: {ex.GetType().Name}: {ex.Message}");
            if (Environment.GetEnvironmentVariable("LIVESMLM_DEBUG") is not null)
            {
                console.Err.WriteLine(ex.ToString());
            }

            return Failure;
        }
    }

    /// <summary>
    /// Checks that <paramref name="path"/>, given to <paramref name="option"/> as an output folder, is not an
    /// existing file (creating a folder there would fail with a bare IOException). Returns the path.
    /// </summary>
    public static string RequireFolder(string path, string option)
    {
        if (File.Exists(path))
        {
            throw new UsageException($"{option}: '{path}' is a file; give a folder (it is created if missing).");
        }

        return path;
    }

    private static bool IsBadInput(Exception ex) => ex is FileNotFoundException
        or DirectoryNotFoundException
        or InvalidDataException
        or ArgumentException
        or ProfileValidationException
        or NotSupportedException
        or UsageException;
}

/// <summary>An option combination or value that makes no sense; the message says what would.</summary>
public sealed class UsageException(string message) : Exception(message);
