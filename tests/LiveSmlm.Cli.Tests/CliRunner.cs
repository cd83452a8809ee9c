namespace LiveSmlm.Cli.Tests;

/// <summary>Runs `livesmlm` in-process and captures what it printed.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// Runs the built CLI in its own process: for figures that are per process (allocated bytes, CPU time), which
    /// the other tests running in this process would otherwise add to.
    /// </summary>
    public static (int ExitCode, string Out, string Err) RunProcess(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> err = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, err.GetAwaiter().GetResult());
    }

    /// <summary>The built CLI (the Release build the test project references).</summary>
    public static string Executable()
    {
        string path = RepoFile("src", "LiveSmlm.Cli", "bin", "Release", "net10.0", "livesmlm");
        Assert.True(File.Exists(path), $"the built CLI is missing at {path}; build src/LiveSmlm.Cli -c Release");
        return path;
    }

    public static string RepoFile(params string[] parts)
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "LiveSmlm.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        Assert.NotNull(dir);
        return Path.Combine([dir, .. parts]);
    }
}

/// <summary>A temporary folder deleted after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "livesmlm-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is not a test failure.
        }
    }
}
