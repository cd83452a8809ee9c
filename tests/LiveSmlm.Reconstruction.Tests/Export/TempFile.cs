namespace LiveSmlm.Reconstruction.Tests;

/// <summary>A file path in a fresh temporary folder, deleted with the folder on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "livesmlm-rec-" + Guid.NewGuid().ToString("N"));

    public TempFile(string name)
    {
        Directory.CreateDirectory(_folder);
        Path = System.IO.Path.Combine(_folder, name);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
