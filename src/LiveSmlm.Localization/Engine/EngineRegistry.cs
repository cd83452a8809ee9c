namespace LiveSmlm.Localization;

/// <summary>
/// The localization engines a program can choose from, by name. Each engine registers how to tell
/// whether it can run here and how to make it; "auto" picks the available engine of highest
/// priority. The CPU engine is always there; the GPU and network engines add themselves from their
/// own projects. Errors say what is missing on this machine, never which command-line flag to use.
/// </summary>
public sealed class EngineRegistry
{
    /// <summary>The name that picks the best available engine.</summary>
    public const string Auto = "auto";

    private readonly List<EngineDescriptor> _engines = [];

    /// <summary>A registry holding the CPU engine.</summary>
    public EngineRegistry()
    {
        Register(CpuLocalizer.Descriptor);
    }

    /// <summary>"auto", then every registered engine in registration order.</summary>
    public IReadOnlyList<string> Names => [Auto, .. _engines.Select(e => e.Name)];

    public IReadOnlyList<EngineDescriptor> Engines => _engines;

    /// <summary>Adds an engine; its name must be new.</summary>
    public void Register(EngineDescriptor engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (engine.Name == Auto || _engines.Any(e => e.Name == engine.Name))
        {
            throw new ArgumentException($"engine name '{engine.Name}' is already taken.", nameof(engine));
        }

        _engines.Add(engine);
    }

    /// <summary>
    /// The engine <paramref name="name"/> stands for: auto → the available one of highest
    /// <see cref="EngineDescriptor.AutoPriority"/>. Throws <see cref="EngineUnavailableException"/>
    /// when it cannot run here, and ArgumentException for an unknown name.
    /// </summary>
    public EngineDescriptor Resolve(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == Auto)
        {
            return _engines.Where(e => e.AutoPriority >= 0 && e.Availability().IsAvailable)
                .OrderByDescending(e => e.AutoPriority).First();
        }

        EngineDescriptor engine = _engines.FirstOrDefault(e => e.Name == name)
            ?? throw new ArgumentException($"engine must be one of {string.Join(", ", Names)}; got '{name}'.", nameof(name));
        EngineAvailability availability = engine.Availability();
        if (!availability.IsAvailable)
        {
            throw new EngineUnavailableException(engine.Name, availability.Reason);
        }

        return engine;
    }

    /// <summary>Resolves <paramref name="name"/> and makes the engine with <paramref name="settings"/>; the caller disposes it.</summary>
    public ILocalizer Create(string name, LocalizerSettings settings) => Resolve(name).Create(settings);
}

/// <summary>Whether an engine can run on this machine, and why not.</summary>
public readonly record struct EngineAvailability(bool IsAvailable, string Reason)
{
    public static EngineAvailability Yes { get; } = new(true, "");

    public static EngineAvailability No(string reason) => new(false, reason);
}

/// <summary>One engine in an <see cref="EngineRegistry"/>.</summary>
/// <param name="Name">Registry name (e.g. cpu, gpu).</param>
/// <param name="Description">One line for help texts.</param>
/// <param name="Availability">Tells whether the engine can run here; must not throw.</param>
/// <param name="Create">Makes the engine (validated settings in, a localizer the caller disposes out).</param>
/// <param name="AutoPriority">Auto picks the highest available; negative: never picked by auto.</param>
public sealed record EngineDescriptor(
    string Name, string Description, Func<EngineAvailability> Availability, Func<LocalizerSettings, ILocalizer> Create, int AutoPriority);

/// <summary>An engine was asked for by name but cannot run on this machine.</summary>
public sealed class EngineUnavailableException : InvalidOperationException
{
    public EngineUnavailableException()
    {
    }

    public EngineUnavailableException(string message)
        : base(message)
    {
    }

    public EngineUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EngineUnavailableException(string engine, string reason)
        : base($"engine '{engine}' cannot run on this machine: {reason}")
    {
        Engine = engine;
        Reason = reason;
    }

    public string? Engine { get; }

    public string? Reason { get; }
}
