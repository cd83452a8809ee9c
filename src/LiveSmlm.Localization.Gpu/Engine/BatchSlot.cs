using ILGPU;
using ILGPU.Runtime;

namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// One in-flight batch: its stream, its page-locked upload area and every device buffer the batch
/// touches. Two slots alternate so that one batch's upload and detection overlap the other's fit.
/// </summary>
/// <remarks>
/// Invariant: a slot is reused only after its stream has been synchronized (the host waits for the
/// fit results of batch n before enqueueing batch n + 2 into the same slot). Frame and candidate
/// buffers are sized once for (width, height, frames per launch); the ROI buffers grow by doubling
/// only when a batch has more candidates than any before, so the steady state allocates nothing.
/// </remarks>
internal sealed class BatchSlot : IDisposable
{
    private readonly DeviceAllocator _allocator;
    private readonly int _area;

    public BatchSlot(Accelerator accelerator, DeviceAllocator allocator, int width, int height, int frames, int roiSize, bool temporal, bool varianceMap, bool threeD)
    {
        _allocator = allocator;
        _area = roiSize * roiSize;
        Stream = accelerator.CreateStream();
        long pixels = (long)width * height * frames;
        HostAdu = allocator.PageLocked<ushort>(pixels);
        Adu = allocator.Device<ushort>(pixels);
        Electrons = allocator.Device<float>(pixels);
        Smooth1 = allocator.Device<float>(pixels);
        Smooth2 = allocator.Device<float>(pixels);
        Residual = temporal ? allocator.Device<float>(pixels) : null;
        Background = temporal ? allocator.Device<float>(pixels) : null;
        RowSums = allocator.Device<double>((long)height * frames);
        RowCounts = allocator.Device<int>((long)height * frames);
        Limits = allocator.Device<float>(frames);
        Noise = allocator.Device<float>(frames);
        FrameThresholds = allocator.Device<float>(frames);
        Thresholds = allocator.Device<float>(pixels);

        // Local maxima cannot touch (each is > its earlier and ≥ its later neighbours), so at most
        // one pixel in each 2×2 block is one: this capacity can never overflow.
        CandidateCapacity = (long)((width + 1) / 2) * ((height + 1) / 2) * frames;
        Candidates = allocator.Device<DeviceCandidate>(CandidateCapacity);
        HostCandidates = allocator.PageLocked<DeviceCandidate>(CandidateCapacity);
        CandidateCount = allocator.Device<int>(1);
        HostCount = allocator.PageLocked<int>(1);
        // Per-ROI variance is cut for a read-noise map and for the temporal mode's flattened background.
        HasVarianceRois = varianceMap || temporal;
        ThreeD = threeD;
        GrowRois((int)Math.Min(CandidateCapacity, InitialRoisPerFrame * (long)frames));
    }

    // ROIs per frame the ROI buffers start with: dense SMLM frames hold tens to a few hundred spots.
    private const int InitialRoisPerFrame = 1024;

    public AcceleratorStream Stream { get; }

    public PageLockedArray1D<ushort> HostAdu { get; }

    public MemoryBuffer1D<ushort, Stride1D.Dense> Adu { get; }

    public MemoryBuffer1D<float, Stride1D.Dense> Electrons { get; }

    public MemoryBuffer1D<float, Stride1D.Dense> Smooth1 { get; }

    /// <summary>V2, then W2 = V1 − V2 in place.</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Smooth2 { get; }

    /// <summary>Photoelectrons minus the temporal median (null without a temporal background).</summary>
    public MemoryBuffer1D<float, Stride1D.Dense>? Residual { get; }

    /// <summary>The temporal median per pixel (null without a temporal background).</summary>
    public MemoryBuffer1D<float, Stride1D.Dense>? Background { get; }

    public MemoryBuffer1D<double, Stride1D.Dense> RowSums { get; }

    public MemoryBuffer1D<int, Stride1D.Dense> RowCounts { get; }

    public MemoryBuffer1D<float, Stride1D.Dense> Limits { get; }

    public MemoryBuffer1D<float, Stride1D.Dense> Noise { get; }

    /// <summary>Per frame: factor · measured std(W1) of the temporal residual.</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> FrameThresholds { get; }

    /// <summary>The detection threshold of every pixel (DetectionNoise on V2, or the frame's measured one on the temporal residual).</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Thresholds { get; }

    public long CandidateCapacity { get; }

    public MemoryBuffer1D<DeviceCandidate, Stride1D.Dense> Candidates { get; }

    public PageLockedArray1D<DeviceCandidate> HostCandidates { get; }

    public MemoryBuffer1D<int, Stride1D.Dense> CandidateCount { get; }

    public PageLockedArray1D<int> HostCount { get; }

    public bool HasVarianceRois { get; }

    /// <summary>Whether the ROIs are fitted in 3D: results go to <see cref="Results3D"/> instead of <see cref="Results"/>.</summary>
    public bool ThreeD { get; }

    public int RoiCapacity { get; private set; }

    public PageLockedArray1D<RoiPlacement> HostPlacements { get; private set; } = null!;

    public MemoryBuffer1D<RoiPlacement, Stride1D.Dense> Placements { get; private set; } = null!;

    public MemoryBuffer1D<float, Stride1D.Dense> Rois { get; private set; } = null!;

    public PageLockedArray1D<float> HostRois { get; private set; } = null!;

    public MemoryBuffer1D<float, Stride1D.Dense>? VarianceRois { get; private set; }

    public PageLockedArray1D<float>? HostVarianceRois { get; private set; }

    public MemoryBuffer1D<FitResult, Stride1D.Dense> Results { get; private set; } = null!;

    public PageLockedArray1D<FitResult> HostResults { get; private set; } = null!;

    /// <summary>3D fit results (null unless <see cref="ThreeD"/>).</summary>
    public MemoryBuffer1D<Fit3DResult, Stride1D.Dense>? Results3D { get; private set; }

    public PageLockedArray1D<Fit3DResult>? HostResults3D { get; private set; }

    /// <summary>Makes room for <paramref name="rois"/> ROIs (doubling; no-op when they fit).</summary>
    public void EnsureRois(int rois)
    {
        if (rois > RoiCapacity)
        {
            DisposeRois();
            GrowRois((int)Math.Min(int.MaxValue / _area, Math.Max(rois, 2L * RoiCapacity)));
        }
    }

    public void Dispose()
    {
        DisposeRois();
        HostAdu.Dispose();
        Adu.Dispose();
        Electrons.Dispose();
        Smooth1.Dispose();
        Smooth2.Dispose();
        Residual?.Dispose();
        Background?.Dispose();
        RowSums.Dispose();
        RowCounts.Dispose();
        Limits.Dispose();
        Noise.Dispose();
        FrameThresholds.Dispose();
        Thresholds.Dispose();
        Candidates.Dispose();
        HostCandidates.Dispose();
        CandidateCount.Dispose();
        HostCount.Dispose();
        Stream.Dispose();
    }

    private void GrowRois(int capacity)
    {
        RoiCapacity = Math.Max(1, capacity);
        HostPlacements = _allocator.PageLocked<RoiPlacement>(RoiCapacity);
        Placements = _allocator.Device<RoiPlacement>(RoiCapacity);
        Rois = _allocator.Device<float>((long)RoiCapacity * _area);
        HostRois = _allocator.PageLocked<float>((long)RoiCapacity * _area);
        if (HasVarianceRois)
        {
            VarianceRois = _allocator.Device<float>((long)RoiCapacity * _area);
            HostVarianceRois = _allocator.PageLocked<float>((long)RoiCapacity * _area);
        }

        Results = _allocator.Device<FitResult>(RoiCapacity);
        HostResults = _allocator.PageLocked<FitResult>(RoiCapacity);
        if (ThreeD)
        {
            Results3D = _allocator.Device<Fit3DResult>(RoiCapacity);
            HostResults3D = _allocator.PageLocked<Fit3DResult>(RoiCapacity);
        }
    }

    private void DisposeRois()
    {
        HostPlacements?.Dispose();
        Placements?.Dispose();
        Rois?.Dispose();
        HostRois?.Dispose();
        VarianceRois?.Dispose();
        HostVarianceRois?.Dispose();
        Results?.Dispose();
        HostResults?.Dispose();
        Results3D?.Dispose();
        HostResults3D?.Dispose();
    }
}
