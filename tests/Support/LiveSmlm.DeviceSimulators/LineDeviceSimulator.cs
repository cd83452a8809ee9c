using System.Text;

namespace LiveSmlm.DeviceSimulators;

/// <summary>
/// A device that speaks a line protocol on the master end of a <see cref="PseudoTerminal"/>: splits what
/// the driver sends into commands at the device's terminator and answers each through <see cref="Answer"/>.
/// Faults a test can ask for: answer one command with a given error reply, stay silent (the driver times
/// out), or vanish (the port disappears).
/// </summary>
public abstract class LineDeviceSimulator : IDisposable
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _partial = new();
    private readonly List<string> _commands = [];
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _vanished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<string, bool>? _vanishWhen;
    private bool _silent;

    protected LineDeviceSimulator(string terminator)
    {
        Terminator = terminator;
        Pty = new PseudoTerminal((_, bytes) => OnBytes(bytes));
    }

    public PseudoTerminal Pty { get; }

    /// <summary>The port a driver opens.</summary>
    public string Port => Pty.SlavePath;

    public string Terminator { get; }

    /// <summary>The commands received, in order, without terminators.</summary>
    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (_lock)
            {
                return [.. _commands];
            }
        }
    }

    /// <summary>Completes when the port vanished (by <see cref="VanishWhen"/> or <see cref="Vanish"/>).</summary>
    public Task Vanished => _vanished.Task;

    /// <summary>The next command that starts with <paramref name="commandPrefix"/> is answered with <paramref name="reply"/> instead (once).</summary>
    public void FailNext(string commandPrefix, string reply)
    {
        lock (_lock)
        {
            _errors[commandPrefix] = reply;
        }
    }

    /// <summary>Stops answering (true) or answers again (false).</summary>
    public void Silent(bool silent)
    {
        lock (_lock)
        {
            _silent = silent;
        }
    }

    /// <summary>The port vanishes (master closed) right after the first command for which <paramref name="when"/> holds arrives, unanswered.</summary>
    public void VanishWhen(Func<string, bool> when)
    {
        lock (_lock)
        {
            _vanishWhen = when;
        }
    }

    public void Vanish()
    {
        // Off the reader thread: closing the pty joins it.
        _ = Task.Run(() =>
        {
            Pty.Vanish();
            _vanished.TrySetResult();
        });
    }

    public void Dispose()
    {
        Pty.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The reply to one command (with line endings), or null for none.</summary>
    protected abstract string? Answer(string command);

    private void OnBytes(byte[] bytes)
    {
        lock (_lock)
        {
            _partial.Append(Encoding.ASCII.GetString(bytes));
            while (true)
            {
                string text = _partial.ToString();
                int end = text.IndexOf(Terminator, StringComparison.Ordinal);
                if (end < 0)
                {
                    return;
                }

                _partial.Remove(0, end + Terminator.Length);
                string command = text[..end];
                _commands.Add(command);
                if (_vanishWhen is { } when && when(command))
                {
                    _vanishWhen = null;
                    _silent = true;
                    Vanish();
                    return;
                }

                if (_silent)
                {
                    continue;
                }

                string? error = _errors.Keys.FirstOrDefault(k => command.StartsWith(k, StringComparison.Ordinal));
                string? reply = error is not null ? TakeError(error) : Answer(command);
                if (reply is not null)
                {
                    Pty.Write(reply);
                }
            }
        }
    }

    private string TakeError(string key)
    {
        string reply = _errors[key];
        _errors.Remove(key);
        return reply;
    }
}
