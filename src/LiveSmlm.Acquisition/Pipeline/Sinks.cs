using LiveSmlm.Core;
using LiveSmlm.Reconstruction;

namespace LiveSmlm.Acquisition.Pipeline;

using Localization = LiveSmlm.Core.Localization;

/// <summary>A localization file writer (ThunderSTORM CSV, Picasso HDF5, …) as a sink.</summary>
public sealed class WriterSink : ILocalizationSink
{
    private readonly ILocalizationWriter _writer;

    /// <summary>Takes ownership of <paramref name="writer"/> (disposed with the sink).</summary>
    public WriterSink(string name, ILocalizationWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Name = name;
        _writer = writer;
    }

    public string Name { get; }

    public void Write(LocalizationBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _writer.Write(batch.Span);
    }

    public void Complete() => _writer.Complete();

    public void Dispose() => _writer.Dispose();
}

/// <summary>The Gaussian super-resolution render, written as a PNG by <see cref="Complete"/>.</summary>
public sealed class RenderSink : ILocalizationSink
{
    private readonly string _pngPath;

    public RenderSink(RenderSettings settings, string pngPath)
    {
        Renderer = new GaussianRenderer(settings);
        _pngPath = pngPath;
    }

    public string Name => "render";

    public GaussianRenderer Renderer { get; }

    public void Write(LocalizationBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Renderer.Add(batch.Span);
    }

    /// <summary>Writes the PNG: colour-coded by depth when the settings give a depth range (3D), else the "hot" intensity render.</summary>
    public void Complete()
    {
        if (Renderer.DepthSum is { } depth && Renderer.Settings.DepthRangeNm is { } range)
        {
            ImageExport.WriteDepthPng(_pngPath, Renderer.Image, depth, Renderer.Width, Renderer.Height, range.MinNm, range.MaxNm);
            return;
        }

        ImageExport.WriteRenderPng(_pngPath, Renderer.Image, Renderer.Width, Renderer.Height);
    }

    public void Dispose()
    {
    }
}

/// <summary>The median of the lateral uncertainties, in constant memory (summary.json's median precision).</summary>
public sealed class UncertaintySink : ILocalizationSink
{
    private readonly UncertaintyHistogram _histogram = new();

    public string Name => "uncertainty";

    /// <summary>The median so far (nm); read after the run.</summary>
    public double Median => _histogram.Median();

    public void Write(LocalizationBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (ref readonly Localization loc in batch.Span)
        {
            _histogram.Add(0.5 * (loc.UncertaintyXNm + loc.UncertaintyYNm));
        }
    }

    public void Complete()
    {
    }

    public void Dispose()
    {
    }
}
