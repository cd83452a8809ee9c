using System.Diagnostics;
using System.Globalization;

namespace LiveSmlm.Cli.Tests;

/// <summary>
/// `simulate --training` read back by h5py (an independent HDF5 reader), and `train` for a few steps
/// writing a model that the network engine then loads and runs (needs python3-torch and python3-h5py,
/// which scripts/test.sh installs).
/// </summary>
public class TrainCommandTests
{
    private static readonly string Storm = CliRunner.RepoFile("hardware-profiles", "simulated-storm.json");

    private static string Python(string script, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"python3 failed (python3-h5py installed? scripts/test.sh installs it): {error}");
        return output.Trim();
    }

    [Fact]
    public void Training_data_are_hdf5_chunks_of_frames_and_emitters_at_the_asked_density()
    {
        using var tmp = new TempDir();
        var (code, _, err) = CliRunner.Run("simulate", "--training", tmp.Path, "--profile", Storm, "--frames", "128", "--crop", "32", "--seed", "3");
        Assert.True(code == 0, err);

        // Per sequence: frames [S, T, H, W], emitters (seq, frame, x, y, e⁻) inside the crop; measured density over asked.
        string report = Python(
            """
            import sys, h5py, numpy as np
            f = h5py.File(sys.argv[1], "r")
            fr, em, d = f["frames"], f["emitters"][:], f["density"][:]
            ratios = [(em[:, 0] == s).sum() / fr.shape[1] / (fr.shape[2] * fr.shape[3] * 0.01) / d[s] for s in range(fr.shape[0])]
            inside = bool(((em[:, 2] >= 0) & (em[:, 2] < fr.shape[3]) & (em[:, 3] >= 0) & (em[:, 3] < fr.shape[2])).all())
            print(",".join(str(v) for v in fr.shape), inside, float(np.mean(ratios)), float(np.median(f["background"][:])))
            """,
            Path.Combine(tmp.Path, "chunk-0000.h5"));
        string[] parts = report.Split(' ');
        Assert.Equal("2,64,32,32", parts[0]);
        Assert.Equal("True", parts[1]);
        double ratio = double.Parse(parts[2], CultureInfo.InvariantCulture);
        Assert.InRange(ratio, 0.5, 1.6); // two short sequences: Poisson scatter around 1
        // simulated-storm: 20 + ≤10 background photons/px, QE 0.72, ×[1/2, 2] → 7–43 e⁻.
        Assert.InRange(double.Parse(parts[3], CultureInfo.InvariantCulture), 7, 44);
        Assert.True(File.Exists(Path.Combine(tmp.Path, "training.json")));
    }

    [Fact]
    public void A_few_training_steps_write_a_model_that_the_network_engine_runs()
    {
        using var tmp = new TempDir();
        string model = tmp.File("model.onnx");
        var (code, _, err) = CliRunner.Run("train", "--profile", Storm, "--out", model, "--frames", "128", "--steps", "3", "--validate-every", "3", "--width", "4", "--minutes", "5", "--calibration-frames", "4");
        Assert.True(code == 0, err);
        Assert.Contains("val Jaccard", err, StringComparison.Ordinal);
        Assert.Contains("loads in the network engine", err, StringComparison.Ordinal);
        Assert.Contains("uncertainty calibration of", err, StringComparison.Ordinal);

        string stack = tmp.File("sim");
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", Storm, "--frames", "4", "--out", stack).ExitCode);
        var analyze = CliRunner.Run("analyze", Path.Combine(stack, "raw.ome.tif"), "--profile", Storm, "--engine", "network", "--model", model, "--out", tmp.File("an"));
        Assert.True(analyze.ExitCode == 0, analyze.Err);
        Assert.True(File.Exists(tmp.File(Path.Combine("an", "locs.csv"))));
    }

    [Fact]
    public void Analyze_refuses_a_model_trained_for_another_camera()
    {
        using var tmp = new TempDir();
        string emccd = CliRunner.RepoFile("hardware-profiles", "simulated-emccd.json");
        string stack = tmp.File("sim");
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", emccd, "--frames", "2", "--out", stack).ExitCode);
        var (code, _, err) = CliRunner.Run("analyze", Path.Combine(stack, "raw.ome.tif"), "--profile", emccd, "--engine", "network",
            "--model", CliRunner.RepoFile("models", "simulated-storm.onnx"), "--out", tmp.File("an"));
        Assert.Equal(2, code);
        Assert.Contains("does not match the data", err, StringComparison.Ordinal);
        Assert.Contains("EMCCD", err, StringComparison.Ordinal);
    }
}
