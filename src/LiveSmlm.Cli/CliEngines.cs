using LiveSmlm.Acquisition.Engines;
using LiveSmlm.Localization;

namespace LiveSmlm.Cli;

/// <summary>`--engine NAME`: the registry's answer, worded for the command line.</summary>
public static class CliEngines
{
    /// <summary>Returns <paramref name="name"/> when that engine can run here; a usage error naming --engine otherwise.</summary>
    public static string Check(string name)
    {
        try
        {
            EngineCatalog.Create().Resolve(name);
            return name;
        }
        catch (EngineUnavailableException e)
        {
            throw new UsageException($"--engine {name}: {e.Reason}");
        }
        catch (ArgumentException)
        {
            throw new UsageException($"--engine must be one of {string.Join(", ", EngineCatalog.Names)}; got '{name}'.");
        }
    }

    /// <summary>Makes the engine <paramref name="name"/> (checked as by <see cref="Check"/>).</summary>
    public static ILocalizer Create(string name, LocalizerSettings settings) => EngineCatalog.Create().Create(Check(name), settings);
}
