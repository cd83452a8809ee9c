using LiveSmlm.Cli.Bench;
using Xunit.Abstractions;

namespace LiveSmlm.Cli.Tests;

/// <summary>
/// Guards the README's accuracy table: the same simulate → analyze → evaluate path as
/// `livesmlm bench --accuracy`, on fewer frames (seeded, so the figures are exact repeats). The bounds
/// are the README's figures with a small margin for the shorter runs; a drop below them is a regression.
/// </summary>
public class AccuracyRegressionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("simulated-storm.json", 0.25, 100, 0.924, 14.5)]
    [InlineData("simulated-storm.json", 0.5, 100, 0.90, 18.5)]
    [InlineData("simulated-storm.json", 1.0, 100, 0.848, 25.0)]
    [InlineData("simulated-paint.json", 1.0, 60, 0.862, 18.5)]
    [InlineData("simulated-emccd.json", 1.0, 30, 0.75, 29.0)]
    public void UniformSample_AtDensity_KeepsJaccardAndRmse(string profile, double densityPerUm2, int frames, double minJaccard, double maxRmseNm)
    {
        using var tmp = new TempDir();
        AccuracyStudy.Row row = AccuracyStudy.Run(CliRunner.RepoFile("hardware-profiles", profile), densityPerUm2, frames, seed: 2016, tmp.Path);
        output.WriteLine($"{profile} {densityPerUm2}/µm²: density {row.MeasuredDensityPerUm2:F2}, {row.Result.ToJson()}");
        Assert.InRange(row.MeasuredDensityPerUm2, 0.8 * densityPerUm2, 1.2 * densityPerUm2);
        Assert.True(row.Result.Jaccard >= minJaccard, $"{profile} at {densityPerUm2}/µm²: Jaccard {row.Result.Jaccard:F3} < {minJaccard}");
        Assert.True(row.Result.RmseLateralNm <= maxRmseNm, $"{profile} at {densityPerUm2}/µm²: RMSE {row.Result.RmseLateralNm:F1} nm > {maxRmseNm}");
        Assert.True(row.Result.Precision >= 0.97, $"{profile} at {densityPerUm2}/µm²: precision {row.Result.Precision:F3}");
    }

    [Theory]
    [InlineData("simulated-storm.json", 60, 0.756, 29.5)]
    [InlineData("simulated-paint.json", 100, 0.735, 21.0)]
    [InlineData("simulated-emccd.json", 30, 0.80, 24.0)]
    public void ShippedProfile_AsIs_KeepsJaccardAndRmse(string profile, int frames, double minJaccard, double maxRmseNm)
    {
        using var tmp = new TempDir();
        AccuracyStudy.Row row = AccuracyStudy.Run(CliRunner.RepoFile("hardware-profiles", profile), null, frames, seed: 2016, tmp.Path);
        output.WriteLine($"{profile}: density {row.MeasuredDensityPerUm2:F2}, {row.Result.ToJson()}");
        Assert.True(row.Result.Jaccard >= minJaccard, $"{profile}: Jaccard {row.Result.Jaccard:F3} < {minJaccard}");
        Assert.True(row.Result.RmseLateralNm <= maxRmseNm, $"{profile}: RMSE {row.Result.RmseLateralNm:F1} nm > {maxRmseNm}");
    }
}
