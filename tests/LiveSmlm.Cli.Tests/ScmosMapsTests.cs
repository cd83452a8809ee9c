using System.Text.Json;
using LiveSmlm.Core;
using LiveSmlm.IO;

namespace LiveSmlm.Cli.Tests;

/// <summary>`analyze --scmos-maps`: per-pixel calibration that equals the uniform camera gives the uniform result.</summary>
public class ScmosMapsTests
{
    private static readonly string StormProfile = CliRunner.RepoFile("hardware-profiles", "simulated-storm.json");

    [Fact]
    public void Analyze_MapsEqualToTheUniformCamera_MatchTheTruthAsWellAsTheUniformModel()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", StormProfile, "--frames", "30", "--out", tmp.Path, "--seed", "4").ExitCode);
        CameraModel camera = LiveSmlm.Devices.Profiles.HardwareProfile.Load(StormProfile).ToCameraModel();
        int n = 256 * 256;
        double readAdu = camera.ReadNoiseElectrons / camera.ElectronsPerAdu;
        var maps = new PixelCalibrationMaps(
            Enumerable.Repeat((float)camera.BaselineAdu, n).ToArray(),
            Enumerable.Repeat((float)(readAdu * readAdu), n).ToArray(),
            Enumerable.Repeat((float)camera.ElectronsPerAdu, n).ToArray());
        ScmosCalibrationFile.Write(tmp.File("maps.tif"), maps, 256, 256);

        var (uniformCode, _, uniformErr) = CliRunner.Run("analyze", tmp.File("raw.ome.tif"), "--profile", StormProfile, "--out", tmp.File("uniform"));
        Assert.True(uniformCode == 0, uniformErr);
        var (mapCode, _, mapErr) = CliRunner.Run("analyze", tmp.File("raw.ome.tif"), "--profile", StormProfile, "--scmos-maps", tmp.File("maps.tif"), "--out", tmp.File("mapped"));
        Assert.True(mapCode == 0, mapErr);

        double uniform = Jaccard(tmp, "uniform");
        double mapped = Jaccard(tmp, "mapped");
        Assert.True(uniform > 0.7, $"uniform Jaccard {uniform}");
        Assert.InRange(mapped, uniform - 0.005, uniform + 0.005);
    }

    [Fact]
    public void Analyze_MapsOfAnotherSize_NamesTheFileAndExitsWithTwo()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", StormProfile, "--frames", "2", "--out", tmp.Path).ExitCode);
        var small = new PixelCalibrationMaps(new float[16], Enumerable.Repeat(1f, 16).ToArray(), Enumerable.Repeat(0.5f, 16).ToArray());
        ScmosCalibrationFile.Write(tmp.File("small-maps.tif"), small, 4, 4);
        var (code, _, err) = CliRunner.Run("analyze", tmp.File("raw.ome.tif"), "--scmos-maps", tmp.File("small-maps.tif"), "--out", tmp.File("out"));
        Assert.Equal(2, code);
        Assert.Contains("small-maps.tif", err, StringComparison.Ordinal);
        Assert.Contains("256×256", err, StringComparison.Ordinal);
    }

    private static double Jaccard(TempDir tmp, string run)
    {
        var (code, stdout, err) = CliRunner.Run("evaluate", "--locs", tmp.File($"{run}/locs.csv"), "--truth", tmp.File("ground-truth.csv"));
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.GetProperty("jaccard").GetDouble();
    }
}
