using System.Runtime.InteropServices;
using System.Text;

namespace LiveSmlm.DeviceSimulators;

/// <summary>
/// A real pseudo-terminal pair (posix_openpt, grantpt, unlockpt, ptsname_r from libc): a driver opens
/// <see cref="SlavePath"/> (/dev/pts/N) as its serial port; the test plays the device on the master end.
/// Every byte the driver sends is kept in <see cref="Transcript"/>. <see cref="Vanish"/> closes the
/// master, which is what the driver sees when a USB serial adapter is pulled.
/// </summary>
/// <remarks>
/// One reader thread polls the master (poll(2) with a short timeout, so closing never races a blocked
/// read) and hands the bytes to <see cref="Received"/>; <see cref="Write"/> may be called from it.
/// </remarks>
public sealed partial class PseudoTerminal : IDisposable
{
    private const int ReadWrite = 0x2;
    private const int NoControllingTty = 0x100;
    private const short PollIn = 0x1;

    private readonly Lock _lock = new();
    private readonly MemoryStream _transcript = new();
    private readonly Thread _reader;
    private volatile bool _stop;
    private int _master;

    public PseudoTerminal(Action<PseudoTerminal, byte[]> received)
    {
        ArgumentNullException.ThrowIfNull(received);
        Received = received;
        _master = PosixOpenPt(ReadWrite | NoControllingTty);
        if (_master < 0 || GrantPt(_master) != 0 || UnlockPt(_master) != 0)
        {
            throw new IOException($"cannot open a pseudo-terminal (errno {Marshal.GetLastPInvokeError()}).");
        }

        var name = new byte[256];
        if (PtsNameR(_master, name, name.Length) != 0)
        {
            throw new IOException($"ptsname_r failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        SlavePath = Encoding.ASCII.GetString(name).TrimEnd('\0');
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "pty " + SlavePath };
        _reader.Start();
    }

    /// <summary>The path the driver opens.</summary>
    public string SlavePath { get; }

    /// <summary>True after <see cref="Vanish"/> or Dispose.</summary>
    public bool IsClosed => Volatile.Read(ref _master) < 0;

    private Action<PseudoTerminal, byte[]> Received { get; }

    /// <summary>Everything the driver wrote, as ASCII.</summary>
    public string Transcript
    {
        get
        {
            lock (_lock)
            {
                return Encoding.ASCII.GetString(_transcript.ToArray());
            }
        }
    }

    /// <summary>Sends bytes to the driver; ignored once closed.</summary>
    public void Write(string text)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        int fd = Volatile.Read(ref _master);
        if (fd >= 0)
        {
            _ = WriteFd(fd, bytes, bytes.Length);
        }
    }

    /// <summary>Closes the master end: the port vanishes under the driver.</summary>
    public void Vanish()
    {
        _stop = true;
        _reader.Join();
        int fd = Interlocked.Exchange(ref _master, -1);
        if (fd >= 0)
        {
            _ = Close(fd);
        }
    }

    public void Dispose() => Vanish();

    private void ReadLoop()
    {
        var buffer = new byte[4096];
        var fds = new PollFd[1];
        while (!_stop)
        {
            int fd = Volatile.Read(ref _master);
            fds[0] = new PollFd { Fd = fd, Events = PollIn };
            if (Poll(fds, 1, 20) <= 0 || (fds[0].Revents & PollIn) == 0)
            {
                continue;
            }

            nint n = ReadFd(fd, buffer, buffer.Length);
            if (n <= 0)
            {
                // The slave is not open (yet, or any more): EIO on Linux. Wait for the driver to open it.
                Thread.Sleep(5);
                continue;
            }

            byte[] chunk = buffer[..(int)n];
            lock (_lock)
            {
                _transcript.Write(chunk);
            }

            Received(this, chunk);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "posix_openpt", SetLastError = true)]
    private static partial int PosixOpenPt(int flags);

    [LibraryImport("libc", EntryPoint = "grantpt", SetLastError = true)]
    private static partial int GrantPt(int fd);

    [LibraryImport("libc", EntryPoint = "unlockpt", SetLastError = true)]
    private static partial int UnlockPt(int fd);

    [LibraryImport("libc", EntryPoint = "ptsname_r", SetLastError = true)]
    private static partial int PtsNameR(int fd, [Out] byte[] buffer, nint length);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadFd(int fd, [Out] byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteFd(int fd, byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll([In, Out] PollFd[] fds, nuint count, int timeoutMs);
}
