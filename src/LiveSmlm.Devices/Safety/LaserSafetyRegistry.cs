using System.Runtime.InteropServices;

namespace LiveSmlm.Devices.Safety;

/// <summary>
/// The lasers that must go dark when the process is interrupted: every <see cref="SafeLaser"/> joins
/// one, and its hooks (Ctrl-C, SIGTERM, process exit) switch them all off through <see cref="ShutOffAll"/>.
/// </summary>
/// <remarks>
/// <see cref="Process"/> is the process-wide registry; it installs its hooks the first time a laser
/// joins. A registry made with <c>new</c> installs none until <see cref="InstallProcessHooks"/>, so a
/// test can call <see cref="ShutOffAll"/> (what every hook does) without signalling its own process.
/// The hooks only switch lasers off: they do not cancel Ctrl-C or SIGTERM, so the program's own
/// handlers and the runtime's default (exit) still follow. Thread-safe.
/// </remarks>
public sealed class LaserSafetyRegistry : IDisposable
{
    private static readonly Lazy<LaserSafetyRegistry> ProcessRegistry = new(() => new LaserSafetyRegistry(installHooksOnJoin: true));

    private readonly Lock _lock = new();
    private readonly List<SafeLaser> _lasers = [];
    private readonly bool _installHooksOnJoin;
    private PosixSignalRegistration? _sigterm;
    private bool _hooksInstalled;

    public LaserSafetyRegistry()
        : this(installHooksOnJoin: false)
    {
    }

    private LaserSafetyRegistry(bool installHooksOnJoin) => _installHooksOnJoin = installHooksOnJoin;

    /// <summary>The registry whose hooks are installed in this process.</summary>
    public static LaserSafetyRegistry Process => ProcessRegistry.Value;

    public bool HooksInstalled
    {
        get
        {
            lock (_lock)
            {
                return _hooksInstalled;
            }
        }
    }

    /// <summary>The lasers in the registry now.</summary>
    public IReadOnlyList<SafeLaser> Lasers
    {
        get
        {
            lock (_lock)
            {
                return [.. _lasers];
            }
        }
    }

    /// <summary>Adds a laser (a <see cref="SafeLaser"/> joins itself); a laser joins once.</summary>
    public void Join(SafeLaser laser)
    {
        ArgumentNullException.ThrowIfNull(laser);
        bool install;
        lock (_lock)
        {
            if (!_lasers.Contains(laser))
            {
                _lasers.Add(laser);
            }

            install = _installHooksOnJoin && !_hooksInstalled;
        }

        if (install)
        {
            InstallProcessHooks();
        }
    }

    public void Leave(SafeLaser laser)
    {
        lock (_lock)
        {
            _lasers.Remove(laser);
        }
    }

    /// <summary>Switches every laser in the registry off; never throws. Returns one record per laser, failures included.</summary>
    public IReadOnlyList<SafetyShutOff> ShutOffAll(SafetyTrigger trigger) =>
        Lasers.Select(l => l.ShutOff(trigger)).ToArray();

    /// <summary>Hooks Console.CancelKeyPress, AppDomain.ProcessExit and SIGTERM to <see cref="ShutOffAll"/>. Idempotent.</summary>
    public void InstallProcessHooks()
    {
        lock (_lock)
        {
            if (_hooksInstalled)
            {
                return;
            }

            _hooksInstalled = true;
            Console.CancelKeyPress += OnCancelKeyPress;
            AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
            try
            {
                _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSigterm);
            }
            catch (PlatformNotSupportedException)
            {
                // No POSIX signals here (e.g. a browser host); ProcessExit still covers a normal exit.
                _sigterm = null;
            }
        }
    }

    /// <summary>Removes the hooks (the process registry keeps them for the process's life).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (!_hooksInstalled)
            {
                return;
            }

            Console.CancelKeyPress -= OnCancelKeyPress;
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
            _sigterm?.Dispose();
            _sigterm = null;
            _hooksInstalled = false;
        }
    }

    // What each hook runs; internal so that tests fire the hooks without signalling the test process.
    internal IReadOnlyList<SafetyShutOff> HandleCtrlC() => ShutOffAll(SafetyTrigger.CtrlC);

    internal IReadOnlyList<SafetyShutOff> HandleSigterm() => ShutOffAll(SafetyTrigger.Sigterm);

    internal IReadOnlyList<SafetyShutOff> HandleProcessExit() => ShutOffAll(SafetyTrigger.ProcessExit);

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e) => HandleCtrlC();

    private void OnProcessExit(object? sender, EventArgs e) => HandleProcessExit();

    private void OnSigterm(PosixSignalContext context) => HandleSigterm();
}
