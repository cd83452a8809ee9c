using LiveSmlm.Localization.Network;
using Microsoft.ML.OnnxRuntime;

namespace LiveSmlm.Localization.Network.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The uncertainty calibration as the decoder applies it (hand-built maps, densities worked out by hand)
/// and as it is stored in a model (written here, read back by ONNX Runtime's own metadata parser).
/// </summary>
public class NetworkCalibrationTests
{
    private const int W = 40;
    private const int H = 40;

    // 100 nm pixels: the frame is 4 × 4 µm.
    private static readonly DecodeUnits Units = new(100, 1.0, 94);

    private static void Set(float[] maps, int x, int y, float sx, float sy)
    {
        int plane = W * H;
        int i = (y * W) + x;
        maps[i] = 0.9f;
        maps[(3 * plane) + i] = 1000;
        maps[(4 * plane) + i] = sx;
        maps[(5 * plane) + i] = sy;
        maps[(7 * plane) + i] = 10;
    }

    // Rows: ρ in [0, 0.1), [0.1, 0.4), ≥ 0.4 per µm²; columns: σ in [0, 15), ≥ 15 nm. The 9s must never be used.
    private static NetworkCalibration Table() => new()
    {
        HalfWindowNm = 1000,
        DensityEdges = [0, 0.1, 0.4],
        SigmaEdgesNm = [0, 15],
        Factors = [[1.5, 9], [9, 2.0], [9, 3.0]],
    };

    [Fact]
    public void The_decoder_scales_each_uncertainty_by_the_factor_of_its_local_density_and_sigma()
    {
        var maps = new float[NetworkDecoder.Channels * W * H];
        Set(maps, 5, 5, sx: 0.1f, sy: 0.2f);   // A at (550, 550) nm, σ 10/20 nm (mean 15)
        Set(maps, 8, 5, sx: 0.1f, sy: 0.2f);   // B at (850, 550) nm, 300 nm from A
        Set(maps, 30, 30, sx: 0.05f, sy: 0.05f); // C at (3050, 3050) nm, alone, σ 5 nm
        var output = new List<Localization>();

        NetworkDecoder.Decode(maps, W, H, W, H, frame: 0, DecodeOptions.Default, Units, output, Table());

        Assert.Equal(3, output.Count);
        // A: one other detection in the ±1 µm square; the square inside the frame is x, y ∈ [0, 1550] nm,
        // 2.4025 µm² → ρ = 0.416 → factor 3.
        Assert.Equal(30f, output[0].UncertaintyXNm, 3);
        Assert.Equal(60f, output[0].UncertaintyYNm, 3);
        // B: x ∈ [0, 1850], y ∈ [0, 1550] → 2.8675 µm², ρ = 0.349 → factor 2.
        Assert.Equal(20f, output[1].UncertaintyXNm, 3);
        Assert.Equal(40f, output[1].UncertaintyYNm, 3);
        // C: nobody within ±1 µm → ρ = 0; σ 5 nm → factor 1.5.
        Assert.Equal(7.5f, output[2].UncertaintyXNm, 3);
        Assert.Equal(7.5f, output[2].UncertaintyYNm, 3);
    }

    [Fact]
    public void A_calibration_written_into_a_model_is_read_back_by_onnx_runtime_and_replaces_the_old_one()
    {
        string dir = Directory.CreateTempSubdirectory("livesmlm-netcal-").FullName;
        try
        {
            string model = Path.Combine(dir, "m.onnx");
            File.Copy(Path.Combine(NetworkEngine.ShippedModelsFolder, "simulated-storm.onnx"), model);
            OnnxMetadataFile.Set(model, NetworkCalibration.MetadataKey, "{\"halfWindowNm\":1,\"densityEdges\":[0],\"sigmaEdgesNm\":[0],\"factors\":[[7]]}");
            OnnxMetadataFile.Set(model, NetworkCalibration.MetadataKey, Table().ToJson());
            OnnxMetadataFile.Set(model, "livesmlm.note", "first");
            OnnxMetadataFile.Set(model, "livesmlm.note", "second");

            using (var session = new InferenceSession(model))
            {
                Assert.Equal("second", session.ModelMetadata.CustomMetadataMap["livesmlm.note"]);
                Assert.Equal("simulated-storm", session.ModelMetadata.CustomMetadataMap["livesmlm.profile"]);
            }

            NetworkCalibration? back = NetworkEngine.ReadModel(model).Calibration;
            Assert.NotNull(back);
            Assert.Equal(1000, back.HalfWindowNm);
            Assert.Equal([0, 0.1, 0.4], back.DensityEdges);
            Assert.Equal(3.0, back.Factor(0.5, 20));
            Assert.Equal(1.5, back.Factor(0.0, 5));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
