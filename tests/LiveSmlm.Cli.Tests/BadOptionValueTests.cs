namespace LiveSmlm.Cli.Tests;

/// <summary>A small drawn stack and a ground-truth CSV shared by the bad-value cases (read only).</summary>
public sealed class BadValueFiles : IDisposable
{
    private readonly TempDir _dir = new();

    public BadValueFiles()
    {
        var camera = new DrawCamera();
        var frames = SpotStacks.Draw(24, 24, 2, [new DrawnEmitter(0, 12.3, 11.6, 3000)], camera, 1.3, 10, noiseSeed: 1);
        SpotStacks.WriteTiff(Stack, frames, 100);
        File.WriteAllText(Truth, "\"id\",\"frame\",\"x [nm]\",\"y [nm]\",\"z [nm]\",\"intensity [photon]\"\n1,1,1230,1160,0,3000\n");
        File.WriteAllText(AFile, "not a folder");
        File.WriteAllText(Text, "1 2 3\n");
        File.WriteAllText(BadAnalysis, File.ReadAllText(CliRunner.RepoFile("hardware-profiles", "simulated-storm.json"))
            .Replace("\"name\": \"simulated-storm\",", "\"name\": \"simulated-storm\", \"analysis\": { \"maxEmittersPerGroup\": 7 },", StringComparison.Ordinal));
    }

    /// <summary>The storm profile with analysis.maxEmittersPerGroup = 7 (allowed [2, 4]).</summary>
    public string BadAnalysis => _dir.File("bad-analysis.json");

    public string Stack => _dir.File("stack.ome.tif");

    public string Truth => _dir.File("truth.csv");

    /// <summary>A plain file, given where a folder is expected.</summary>
    public string AFile => _dir.File("a-file");

    public string Text => _dir.File("locs.txt");

    public string Missing(string name) => _dir.File(name);

    public string Out => _dir.File("out-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// One bad value per option of analyze, simulate, evaluate and bench: exit code 2, exactly one line on
/// stderr that starts with "error:" and names the option (or the profile field / file it sets), nothing on
/// stdout, no stack trace.
/// </summary>
public class BadOptionValueTests(BadValueFiles files) : IClassFixture<BadValueFiles>
{
    private static readonly string Storm = CliRunner.RepoFile("hardware-profiles", "simulated-storm.json");

    public static TheoryData<string, string[], string> Cases => new()
    {
        // analyze STACK --out DIR + one bad option; {stack}, {out}, {missing:NAME}, {file}, {truth}, {text} are filled in.
        { "analyze stack with an unknown extension", ["analyze", "{text}", "--out", "{out}"], "locs.txt" },
        { "analyze --profile", ["analyze", "{stack}", "--out", "{out}", "--profile", "{missing:rig.json}"], "rig.json" },
        { "analyze --pixel-size-nm", ["analyze", "{stack}", "--out", "{out}", "--pixel-size-nm", "-3"], "pixelSizeNm" },
        { "analyze --baseline-adu", ["analyze", "{stack}", "--out", "{out}", "--baseline-adu", "-1"], "baselineAdu" },
        { "analyze --electrons-per-adu", ["analyze", "{stack}", "--out", "{out}", "--electrons-per-adu", "0"], "electronsPerAdu" },
        { "analyze --em-gain", ["analyze", "{stack}", "--out", "{out}", "--em-gain", "0.5"], "emGain" },
        { "analyze --qe", ["analyze", "{stack}", "--out", "{out}", "--qe", "1.5"], "quantumEfficiency" },
        { "analyze --read-noise-e", ["analyze", "{stack}", "--out", "{out}", "--read-noise-e", "-1"], "readNoiseElectrons" },
        { "analyze --scmos-maps", ["analyze", "{stack}", "--out", "{out}", "--scmos-maps", "{missing:maps.tif}"], "maps.tif" },
        { "analyze --psf-sigma-nm", ["analyze", "{stack}", "--out", "{out}", "--psf-sigma-nm", "0"], "psfSigmaNm" },
        { "analyze --fixed-sigma", ["analyze", "{stack}", "--out", "{out}", "--fixed-sigma", "maybe"], "maybe" },
        { "analyze --threshold", ["analyze", "{stack}", "--out", "{out}", "--threshold", "0"], "detectionThresholdFactor" },
        { "analyze --temporal-background", ["analyze", "{stack}", "--out", "{out}", "--temporal-background", "often"], "often" },
        { "analyze --engine", ["analyze", "{stack}", "--out", "{out}", "--engine", "quantum"], "--engine" },
        { "analyze --render-pixel-nm", ["analyze", "{stack}", "--out", "{out}", "--render-pixel-nm", "0.1"], "--render-pixel-nm" },
        { "analyze --batch-frames", ["analyze", "{stack}", "--out", "{out}", "--batch-frames", "0"], "--batch-frames" },
        { "analyze --batch-frames not a number", ["analyze", "{stack}", "--out", "{out}", "--batch-frames", "many"], "--batch-frames" },
        { "analyze --out is a file", ["analyze", "{stack}", "--out", "{file}"], "a-file" },
        { "analyze --multi-emitter", ["analyze", "{stack}", "--out", "{out}", "--multi-emitter", "maybe"], "maybe" },
        { "analyze --max-emitters above 4", ["analyze", "{stack}", "--out", "{out}", "--max-emitters", "5"], "--max-emitters must be within [2, 4]" },
        { "analyze --max-emitters below 2", ["analyze", "{stack}", "--out", "{out}", "--max-emitters", "1"], "--max-emitters must be within [2, 4]" },
        { "analyze --multi-emitter-alpha", ["analyze", "{stack}", "--out", "{out}", "--multi-emitter-alpha", "0.5"], "--multi-emitter-alpha must be within [1e-9, 0.1]" },
        { "analyze --max-emitters with --multi-emitter off", ["analyze", "{stack}", "--out", "{out}", "--multi-emitter", "off", "--max-emitters", "3"], "--multi-emitter off" },
        { "analyze --residual-detection", ["analyze", "{stack}", "--out", "{out}", "--residual-detection", "maybe"], "maybe" },
        { "analyze --residual-detection on with --multi-emitter off", ["analyze", "{stack}", "--out", "{out}", "--multi-emitter", "off", "--residual-detection", "on"], "--residual-detection on needs the multi-emitter search" },
        { "analyze --profile analysis.maxEmittersPerGroup", ["analyze", "{stack}", "--out", "{out}", "--profile", "{badanalysis}"], "analysis.maxEmittersPerGroup" },
        { "acquire --max-emitters", ["acquire", "--profile", "{storm}", "--frames", "2", "--out", "{out}", "--max-emitters", "9"], "--max-emitters must be within [2, 4]" },
        { "acquire --multi-emitter-alpha", ["acquire", "--profile", "{storm}", "--frames", "2", "--out", "{out}", "--multi-emitter-alpha", "0"], "--multi-emitter-alpha must be within [1e-9, 0.1]" },

        { "simulate --profile", ["simulate", "--profile", "{missing:rig.json}", "--frames", "2", "--out", "{out}"], "rig.json" },
        { "simulate --frames", ["simulate", "--profile", "{storm}", "--frames", "-4", "--out", "{out}"], "--frames" },
        { "simulate --frames not a number", ["simulate", "--profile", "{storm}", "--frames", "abc", "--out", "{out}"], "--frames" },
        { "simulate --seed", ["simulate", "--profile", "{storm}", "--frames", "2", "--out", "{out}", "--seed", "-1"], "--seed" },
        { "simulate --out is a file", ["simulate", "--profile", "{storm}", "--frames", "2", "--out", "{file}"], "a-file" },

        { "evaluate --locs", ["evaluate", "--locs", "{missing:locs.csv}", "--truth", "{truth}"], "--locs" },
        { "evaluate --locs of an unknown kind", ["evaluate", "--locs", "{text}", "--truth", "{truth}"], "locs.txt" },
        { "evaluate --truth", ["evaluate", "--locs", "{truth}", "--truth", "{missing:nothing.csv}"], "--truth" },
        { "evaluate --radius-nm", ["evaluate", "--locs", "{truth}", "--truth", "{truth}", "--radius-nm", "0"], "--radius-nm" },
        { "evaluate --axial-radius-nm", ["evaluate", "--locs", "{truth}", "--truth", "{truth}", "--axial-radius-nm", "-1"], "--axial-radius-nm" },

        { "bench --engine", ["bench", "--engine", "quantum"], "--engine" },
        { "bench --seconds", ["bench", "--engine", "cpu", "--seconds", "0"], "--seconds" },
        { "bench --frame-size", ["bench", "--engine", "cpu", "--frame-size", "8"], "--frame-size" },
        { "bench --emitters", ["bench", "--engine", "cpu", "--emitters", "-1"], "--emitters" },
        { "bench --json", ["bench", "--engine", "cpu", "--json", "loud"], "loud" },
        { "bench --compare-cpu", ["bench", "--engine", "cpu", "--compare-cpu", "twice"], "twice" },
        { "bench --accuracy", ["bench", "--accuracy", "sometimes"], "sometimes" },
        { "bench --frames", ["bench", "--accuracy", "--frames", "5"], "--frames" },
        { "bench --profiles", ["bench", "--accuracy", "--frames", "10", "--profiles", "{missing:profiles}"], "profiles" },
        { "bench --only", ["bench", "--accuracy", "--frames", "10", "--only", "no-such-rig"], "no-such-rig" },
        { "bench --keep is a file", ["bench", "--accuracy", "--frames", "10", "--only", "storm", "--profiles", "{profiles}", "--keep", "{file}"], "a-file" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadValue_OneLineNamingIt_ExitCodeTwo(string name, string[] args, string named)
    {
        string[] filled = args.Select(Fill).ToArray();
        var (code, stdout, stderr) = CliRunner.Run(filled);

        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(code == 2, $"{name}: exit {code}; stderr: {stderr}");
        Assert.True(lines.Length == 1, $"{name}: {lines.Length} lines on stderr: {stderr}");
        Assert.StartsWith("error:", lines[0], StringComparison.Ordinal);
        Assert.Contains(named, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.True(stdout.Length == 0, $"{name}: printed on stdout: {stdout}");
    }

    private string Fill(string arg) => arg switch
    {
        "{stack}" => files.Stack,
        "{out}" => files.Out,
        "{file}" => files.AFile,
        "{truth}" => files.Truth,
        "{text}" => files.Text,
        "{storm}" => Storm,
        "{badanalysis}" => files.BadAnalysis,
        "{profiles}" => CliRunner.RepoFile("hardware-profiles"),
        _ when arg.StartsWith("{missing:", StringComparison.Ordinal) => files.Missing(arg["{missing:".Length..^1]),
        _ => arg,
    };
}
