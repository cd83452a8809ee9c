using LiveSmlm.Core;

namespace LiveSmlm.IO.Tests.Localizations;

public sealed class GroundTruthCsvTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Write_Emitters_HeaderExactAndFramesFromOne()
    {
        string path = _dir.File("ground-truth.csv");
        using (var writer = new GroundTruthCsvWriter(path))
        {
            writer.Write([new GroundTruthEmitter(17, 0, 10.5, 20.25, -150, 1234.5)]);
        }

        string[] lines = File.ReadAllLines(path);
        Assert.Equal("\"id\",\"frame\",\"x [nm]\",\"y [nm]\",\"z [nm]\",\"intensity [photon]\"", lines[0]);
        Assert.Equal("17,1,10.5,20.25,-150,1234.5", lines[1]);
    }

    [Fact]
    public void WriteThenRead_Emitters_RoundTripExactly()
    {
        var random = new Random(3);
        var emitters = Enumerable.Range(0, 40).Select(i => new GroundTruthEmitter(
            i + 100, i / 4, random.NextDouble() * 5000, random.NextDouble() * 5000, (random.NextDouble() * 800) - 400, random.NextDouble() * 3000)).ToArray();
        string path = _dir.File("gt.csv");
        using (var writer = new GroundTruthCsvWriter(path))
        {
            writer.Write(emitters.AsSpan(0, 10));
            writer.Write(emitters.AsSpan(10));
        }

        Assert.Equal(emitters, GroundTruthCsvReader.Read(path).ToArray());
    }

    [Fact]
    public void Read_ThunderStormLocalizationCsv_UsesItsIdsAndZeroZ()
    {
        string path = _dir.File("ts.csv");
        File.WriteAllText(path, ThunderStormCsvWriter.Header2D + "\n7.0,2.0,10,20,100,1000,5,2.2,8\n9.0,3.0,30,40,100,500,5,2.2,8\n");

        var emitters = GroundTruthCsvReader.Read(path).ToArray();
        Assert.Equal(
            [new GroundTruthEmitter(7, 1, 10, 20, 0, 1000), new GroundTruthEmitter(9, 2, 30, 40, 0, 500)],
            emitters);
    }

    [Fact]
    public void Read_FrameZero_ThrowsInvalidDataBecauseFramesCountFromOne()
    {
        string path = _dir.File("zero.csv");
        File.WriteAllText(path, GroundTruthCsvWriter.Header + "\n1,0,10,20,0,100\n");

        var ex = Assert.Throws<InvalidDataException>(() => GroundTruthCsvReader.Read(path).ToList());
        Assert.Contains("zero.csv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }
}
