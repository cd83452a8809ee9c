using System.Globalization;
using System.IO.Ports;
using System.Text;

namespace LiveSmlm.Devices.Drivers.Serial;

/// <summary>
/// One text line protocol over a serial port (System.IO.Ports): writes a command with the device's line
/// ending and reads reply lines with a timeout. Turns the port's failures into two clear exceptions:
/// <see cref="SerialTimeoutException"/> (the device did not answer in time) and
/// <see cref="SerialPortGoneException"/> (the port vanished: cable pulled, USB adapter gone).
/// </summary>
/// <remarks>
/// Not thread-safe: the driver that owns it serializes calls (one command and its reply at a time).
/// On Linux, System.IO.Ports opens any tty path, also a pseudo-terminal slave (/dev/pts/N) that
/// <see cref="SerialPort.GetPortNames"/> does not list, and sets it raw (no echo, no CR/LF mapping).
/// When the other end goes away, the port reports it in several shapes (ObjectDisposedException "The
/// port is closed." while IsOpen stays true, ArgumentOutOfRangeException from a read of -1 bytes,
/// IOException, and a write that then times out): every one of them means "gone" here, and the port is
/// never used again.
/// </remarks>
public sealed class SerialLine : IDisposable
{
    private readonly SerialPort _port;
    private readonly StringBuilder _pending = new();
    private readonly byte[] _buffer = new byte[256];
    private bool _gone;

    private SerialLine(SerialPort port, string path, string writeEnding, TimeSpan timeout)
    {
        _port = port;
        PortPath = path;
        WriteEnding = writeEnding;
        Timeout = timeout;
    }

    /// <summary>The port's path (/dev/ttyUSB0, COM3, /dev/pts/4).</summary>
    public string PortPath { get; }

    /// <summary>What ends a command on the wire ("\r\n", "\r", "\n").</summary>
    public string WriteEnding { get; }

    /// <summary>How long a reply line may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>True once the port vanished; every later call throws <see cref="SerialPortGoneException"/>.</summary>
    public bool IsGone => _gone;

    /// <summary>
    /// Opens <paramref name="path"/> at <paramref name="baudRate"/> 8N1, no handshake. Throws
    /// <see cref="SerialPortGoneException"/> naming the port when it does not exist or cannot be opened.
    /// </summary>
    public static SerialLine Open(string path, int baudRate, string writeEnding, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrEmpty(writeEnding);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var port = new SerialPort(path, baudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            Encoding = Encoding.ASCII,
            ReadTimeout = (int)Math.Ceiling(timeout.TotalMilliseconds),
            WriteTimeout = (int)Math.Ceiling(timeout.TotalMilliseconds),
            DtrEnable = false,
            RtsEnable = false,
        };
        try
        {
            port.Open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            port.Dispose();
            throw new SerialPortGoneException(path, $"cannot open serial port '{path}': {e.Message}. Check the path (ls /dev/ttyUSB* /dev/ttyACM*), that the device is plugged in and that you may open it (group dialout).", e);
        }

        port.DiscardInBuffer();
        return new SerialLine(port, path, writeEnding, timeout);
    }

    /// <summary>Drops whatever the device sent that nobody read (a banner, a late reply).</summary>
    public void DiscardInput()
    {
        ThrowIfGone("discarding input");
        _pending.Clear();
        Guard("discarding input", () =>
        {
            _port.DiscardInBuffer();
            return 0;
        });
    }

    /// <summary>Writes <paramref name="command"/> and the line ending.</summary>
    public void WriteLine(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        ThrowIfGone(command);
        byte[] bytes = Encoding.ASCII.GetBytes(command + WriteEnding);
        Guard(command, () =>
        {
            _port.Write(bytes, 0, bytes.Length);
            return 0;
        });
    }

    /// <summary>
    /// Writes <paramref name="command"/> even after the port was found gone (a last-resort emission-off);
    /// throws <see cref="SerialPortGoneException"/> when it cannot be written.
    /// </summary>
    public void WriteLineEvenIfGone(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        byte[] bytes = Encoding.ASCII.GetBytes(command + WriteEnding);
        Guard(command, () =>
        {
            _port.WriteTimeout = Math.Max(1, (int)Math.Ceiling(Timeout.TotalMilliseconds));
            _port.Write(bytes, 0, bytes.Length);
            return 0;
        });
    }

    /// <summary>
    /// Reads one reply line (ended by CR, LF or CRLF; empty lines are skipped) within <see cref="Timeout"/>;
    /// <paramref name="command"/> names what it answers in errors. A prompt without line end ("CMD> ")
    /// is returned as a line when <paramref name="prompt"/> is given and seen.
    /// </summary>
    public string ReadLine(string command, string? prompt = null)
    {
        ThrowIfGone(command);
        DateTime deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            if (TryTakeLine(prompt, out string? line))
            {
                return line;
            }

            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new SerialTimeoutException(PortPath, command, Timeout, _pending.ToString());
            }

            int n = Guard(command, () =>
            {
                _port.ReadTimeout = Math.Max(1, (int)Math.Ceiling(left.TotalMilliseconds));
                try
                {
                    return _port.Read(_buffer, 0, _buffer.Length);
                }
                catch (TimeoutException)
                {
                    return 0;
                }
            });
            if (n > 0)
            {
                _pending.Append(Encoding.ASCII.GetString(_buffer, 0, n));
            }
        }
    }

    /// <summary>
    /// Releases the port. System.IO.Ports 11 on Linux never returns from Dispose once the other end of the
    /// tty went away (its I/O loop does not end; measured: still blocked after 15 s, at ~0 CPU), so the
    /// port is disposed on a background thread and waited for at most <see cref="Timeout"/>; a port that
    /// vanished is then left to that thread instead of hanging the caller (and the lasers' shut-off).
    /// </summary>
    public void Dispose()
    {
        var release = new Thread(() =>
        {
            try
            {
                _port.Dispose();
            }
#pragma warning disable CA1031 // Closing a port whose device vanished may throw anything; it is released either way.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        })
        {
            IsBackground = true,
            Name = "release " + PortPath,
        };
        release.Start();
        release.Join(Timeout);
    }

    private bool TryTakeLine(string? prompt, out string line)
    {
        while (true)
        {
            string text = _pending.ToString();
            string trimmed = text.TrimStart();
            if (prompt is not null && trimmed.StartsWith(prompt, StringComparison.Ordinal))
            {
                // A prompt ends no line ("CMD> "): take it, and its trailing space, on its own.
                string rest = trimmed[prompt.Length..].TrimStart(' ');
                _pending.Clear().Append(rest);
                line = prompt;
                return true;
            }

            int end = text.IndexOfAny(['\r', '\n']);
            if (end < 0)
            {
                line = string.Empty;
                return false;
            }

            int next = end + 1;
            if (text[end] == '\r' && next < text.Length && text[next] == '\n')
            {
                next++;
            }

            _pending.Remove(0, next);
            line = text[..end].Trim();
            if (line.Length > 0)
            {
                return true;
            }
        }
    }

    private int Guard(string command, Func<int> io)
    {
        try
        {
            return io();
        }
        catch (TimeoutException e)
        {
            // A write that cannot finish: on a tty whose other end closed, writes block until their timeout.
            _gone = true;
            throw new SerialPortGoneException(PortPath, $"serial port '{PortPath}' stopped taking data while sending {Quote(command)} ({e.Message}); the device or its cable is gone.", e);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            _gone = true;
            throw new SerialPortGoneException(PortPath, $"serial port '{PortPath}' vanished during {Quote(command)} ({e.GetType().Name}: {e.Message}); the device or its cable is gone.", e);
        }
    }

    private void ThrowIfGone(string command)
    {
        if (_gone)
        {
            throw new SerialPortGoneException(PortPath, $"serial port '{PortPath}' is gone; cannot send {Quote(command)}. Reconnect the device.");
        }
    }

    internal static string Quote(string command) => string.Create(CultureInfo.InvariantCulture, $"'{command}'");
}

/// <summary>The serial port vanished (or never opened): nothing more can be sent over it.</summary>
public sealed class SerialPortGoneException : IOException
{
    public SerialPortGoneException()
    {
        PortPath = string.Empty;
    }

    public SerialPortGoneException(string message)
        : base(message)
    {
        PortPath = string.Empty;
    }

    public SerialPortGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
        PortPath = string.Empty;
    }

    public SerialPortGoneException(string portPath, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        PortPath = portPath;
    }

    public string PortPath { get; }
}

/// <summary>The device did not answer a command within the line's timeout.</summary>
public sealed class SerialTimeoutException : TimeoutException
{
    public SerialTimeoutException()
    {
    }

    public SerialTimeoutException(string message)
        : base(message)
    {
    }

    public SerialTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SerialTimeoutException(string portPath, string command, TimeSpan timeout, string partial)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"no reply to {SerialLine.Quote(command)} on '{portPath}' within {timeout.TotalMilliseconds:0} ms{(partial.Length > 0 ? $" (got only '{partial.Trim()}')" : string.Empty)}; check the baud rate, the cable and that the device is on."))
    {
    }
}
