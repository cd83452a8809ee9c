using System.CommandLine;
using System.Runtime.InteropServices;
using LiveSmlm.Acquisition.Engines;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Web;

namespace LiveSmlm.Cli.Commands;

/// <summary>
/// `livesmlm live [--profile FILE] [--urls URL] [--allow-remote] [--calibration calib.json [--psf …]]`: the rig's session plus the web live view
/// (<see cref="LiveServer"/>); prints the address and the link with the token, runs until Ctrl-C / SIGTERM
/// (lasers off). Only parses and prints.
/// </summary>
public static class LiveCommand
{
    /// <summary>The shipped default: the simulated dSTORM rig.</summary>
    public const string DefaultProfile = "hardware-profiles/simulated-storm.json";

    public static Command Create(CliConsole console)
    {
        var profile = new Option<FileInfo?>("--profile") { Description = $"Hardware profile (JSON) of the rig; default {DefaultProfile} (the simulated dSTORM rig)." };
        var urls = new Option<string>("--urls") { Description = "Where the web server listens (';' between URLs); loopback only unless --allow-remote.", DefaultValueFactory = _ => BindAddresses.DefaultUrl };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a --urls that other computers can reach (prefer an SSH tunnel to 127.0.0.1)." };
        var engine = new Option<string>("--engine") { Description = "Localization backend: auto (CUDA when present, else cpu), cpu, gpu, ilgpu-cpu.", DefaultValueFactory = _ => "auto" };
        engine.AcceptOnlyFromAmong([.. EngineCatalog.Names]);
        var record = new Option<bool>("--record") { Description = "Start with recording on (switchable on the page while stopped)." };
        var recordings = new Option<DirectoryInfo?>("--recordings") { Description = "Folder for recordings, one sub-folder per run (default ./recordings)." };
        var seed = new Option<ulong>("--seed") { Description = "Random seed of the simulated sample.", DefaultValueFactory = _ => 1 };
        Option<FileInfo?> calibration = CliCalibration.CalibrationOption();
        Option<string?> psf = CliCalibration.PsfOption();

        var command = new Command("live", "Run the rig with the live view in the browser: prints a link to open (with its access token).")
        {
            profile, urls, allowRemote, engine, record, recordings, seed, calibration, psf,
        };
        command.SetAction(parse => CliErrors.Guard(console, () =>
        {
            (IReadOnlyList<string> bind, string? warning) = BindAddresses.Check(parse.GetValue(urls)!, parse.GetValue(allowRemote));
            string profilePath = parse.GetValue(profile)?.FullName ?? FindDefaultProfile();
            var rig = HardwareProfile.Load(profilePath);
            (Localization.PsfCalibration3D? calibration3D, Localization.Psf3DModel psf3D) =
                CliCalibration.Resolve(parse.GetValue(calibration), parse.GetValue(psf), rig.Camera.PixelSizeNm);
            var options = new LiveSessionOptions
            {
                Calibration3D = calibration3D,
                Psf3D = psf3D,
                Engine = CliEngines.Check(parse.GetValue(engine)!),
                Seed = parse.GetValue(seed),
                Record = parse.GetValue(record),
                RecordingRoot = CliErrors.RequireFolder(parse.GetValue(recordings)?.FullName ?? Path.Combine(Environment.CurrentDirectory, "recordings"), "--recordings"),
            };
            using var session = new LiveSession(rig, options);
            return Serve(console, session, bind, warning);
        }));
        return command;
    }

    private static int Serve(CliConsole console, LiveSession session, IReadOnlyList<string> bind, string? warning)
    {
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        Console.CancelKeyPress += onCtrlC;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.TrySetResult();
        });
        try
        {
            LiveServer server = LiveServer.StartAsync(session, new LiveServerOptions { Urls = bind }).GetAwaiter().GetResult();
            if (warning is not null)
            {
                console.Err.WriteLine(warning);
            }

            console.Out.WriteLine($"LiveSmlm live view of '{session.Profile.Name}' at {string.Join(", ", server.Addresses)}");
            console.Out.WriteLine($"Open: {server.Link}");
            console.Out.WriteLine("The token in the link is needed for every control; Ctrl-C stops (lasers off).");
            console.Out.Flush();
            stop.Task.GetAwaiter().GetResult();
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return CliErrors.Ok;
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--urls {string.Join(";", bind)}: cannot listen there ({e.Message}); is another program using the port?");
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }

    /// <summary>hardware-profiles/simulated-storm.json in the current folder, else the copy shipped beside the program.</summary>
    private static string FindDefaultProfile()
    {
        string here = Path.GetFullPath(DefaultProfile);
        if (File.Exists(here))
        {
            return here;
        }

        string shipped = Path.Combine(AppContext.BaseDirectory, "profiles", "simulated-storm.json");
        return File.Exists(shipped) ? shipped : throw new FileNotFoundException($"No --profile given and neither '{here}' nor '{shipped}' exists; pass --profile FILE.", here);
    }
}
