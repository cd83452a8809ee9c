using System.Runtime.InteropServices;
using LiveSmlm.Core;

namespace LiveSmlm.Localization.Gpu;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// Turns the device's single-emitter fits of one frame into localizations through the CPU engine's own
/// policy (RoiFitter.AcceptAll: neighbour refit and multi-emitter search when poor, rejections, flags; RemoveDuplicates).
/// </summary>
/// <remarks>
/// One policy for both backends. The single fit runs on the device; the multi-emitter search
/// (MultiEmitterSearch, ILGPU-compatible, compiled as FitKernels.SearchMultiEmitter) runs for the
/// few gated ROIs on the host in this version, on the pixels that come back with the results.
/// </remarks>
internal sealed class RoiResultAssembler
{
    private readonly RoiFitter _fitter;
    private readonly int _roi;
    private readonly List<RoiFitter.RoiPlace> _places = [];

    public RoiResultAssembler(LocalizerSettings settings, StageClock clock)
    {
        _fitter = new RoiFitter(settings, clock);
        _roi = settings.EffectiveRoiSizePx;
    }

    public long PairFits => _fitter.PairFits;

    public long PairsAccepted => _fitter.PairsAccepted;

    public long EmittersFromResidual => _fitter.EmittersFromResidual;

    public long NeighbourRefits => _fitter.NeighbourRefits;

    public IReadOnlyList<long> GroupsByEmitters => _fitter.GroupsByEmitters;

    public RejectionCounts Rejections => _fitter.Rejections;

    /// <summary>The ROI's top-left corner for a candidate, clamped into the frame, exactly as the CPU engine cuts it.</summary>
    public RoiPlacement Place(int slot, Candidate c, int width, int height, out bool atBorder)
    {
        RoiFitter.RoiPlace place = _fitter.Place(c, width, height, 0);
        atBorder = place.AtBorder;
        return new RoiPlacement(slot, place.X0, place.Y0);
    }

    /// <summary>
    /// Appends the localizations of ROIs [first, first + count) of a launch (one frame) to
    /// <paramref name="output"/>. <paramref name="rois"/> / <paramref name="variance"/>: the ROI pixels
    /// and extra variance the device fitted (read only for pair fits); <paramref name="uniformVariance"/>
    /// when there is no per-pixel variance.
    /// </summary>
    public void AssembleFrame(
        ReadOnlySpan<FitResult> results, ReadOnlySpan<RoiPlacement> placements, ReadOnlySpan<bool> atBorder, float[] rois, float[]? variance,
        float uniformVariance, int first, int count, int frame, List<Localization> output)
    {
        int start = output.Count;
        _places.Clear();
        for (int r = first; r < first + count; r++)
        {
            _places.Add(new RoiFitter.RoiPlace(placements[r].X0, placements[r].Y0, atBorder[r], frame));
        }

        var source = new LaunchRoiSource(rois, variance, uniformVariance, first, _roi * _roi);
        _fitter.AcceptAll(source, results.Slice(first, count), CollectionsMarshal.AsSpan(_places), 0, count, output);
        _fitter.RemoveDuplicates(output, start);
    }

    /// <summary>
    /// As <see cref="AssembleFrame"/> for the device's 3D fits: each through <see cref="RoiFitter.Accept3D"/>
    /// (rejections, z, √CRLB_z), then the duplicate merge, as the CPU engine's 3D path.
    /// </summary>
    public void AssembleFrame3D(
        ReadOnlySpan<Fit3DResult> results, ReadOnlySpan<RoiPlacement> placements, ReadOnlySpan<bool> atBorder, int first, int count, int frame, List<Localization> output)
    {
        int start = output.Count;
        for (int r = first; r < first + count; r++)
        {
            _fitter.Accept3D(results[r], new RoiFitter.RoiPlace(placements[r].X0, placements[r].Y0, atBorder[r], frame), output);
        }

        _fitter.RemoveDuplicates(output, start);
    }
}

/// <summary>The ROI pixels (and extra variance) a launch fitted, read back for the host's second look at poor fits.</summary>
internal readonly struct LaunchRoiSource(float[] rois, float[]? variance, float uniformVariance, int first, int area) : RoiFitter.IRoiSource
{
    public void Load(int index, RoiFitter.RoiPlace place, float[] pixels, float[] extraVariance)
    {
        int offset = (first + index) * area;
        Array.Copy(rois, offset, pixels, 0, area);
        if (variance is not null)
        {
            Array.Copy(variance, offset, extraVariance, 0, area);
        }
        else
        {
            Array.Fill(extraVariance, uniformVariance);
        }
    }
}
