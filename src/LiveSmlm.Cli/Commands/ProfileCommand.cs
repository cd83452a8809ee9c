using System.CommandLine;
using LiveSmlm.Devices.Profiles;

namespace LiveSmlm.Cli.Commands;

/// <summary>`livesmlm profile import-mm FILE.cfg [--out PROFILE.json]`: a hardware-profile skeleton from a Micro-Manager configuration.</summary>
public static class ProfileCommand
{
    public static Command Create(CliConsole console)
    {
        var cfg = new Argument<FileInfo>("cfg") { Description = "Micro-Manager hardware configuration (MMConfig_*.cfg)." };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the profile (default: stdout)." };
        var import = new Command("import-mm", "Turn a Micro-Manager .cfg into a hardware-profile skeleton (camera, lasers, pixel size); names what it could not map.") { cfg, output };
        import.SetAction(parse => CliErrors.Guard(console, () =>
        {
            FileInfo file = parse.GetValue(cfg)!;
            MicroManagerImport result = MicroManagerConfigImport.Import(file.FullName, Path.GetFileNameWithoutExtension(file.Name));
            if (parse.GetValue(output) is { } target)
            {
                result.Profile.Save(target.FullName);
                console.Err.WriteLine($"wrote {target.FullName}");
            }
            else
            {
                console.Out.WriteLine(result.Profile.ToJson());
            }

            foreach (string item in result.Unmapped)
            {
                console.Err.WriteLine("not mapped: " + item);
            }

            return CliErrors.Ok;
        }));
        return new Command("profile", "Hardware profiles: import a Micro-Manager configuration.") { import };
    }
}
