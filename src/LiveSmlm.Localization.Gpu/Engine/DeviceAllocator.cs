using ILGPU;
using ILGPU.Runtime;

namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// Every device buffer and page-locked host array of the GPU engine is made here and counted, so a
/// long run can prove that memory is allocated once and reused (the count stays flat after warm-up).
/// </summary>
internal sealed class DeviceAllocator
{
    private readonly Accelerator _accelerator;
    private long _allocations;

    public DeviceAllocator(Accelerator accelerator)
    {
        _accelerator = accelerator;
    }

    /// <summary>Device buffers and page-locked arrays allocated so far.</summary>
    public long Allocations => Interlocked.Read(ref _allocations);

    public MemoryBuffer1D<T, Stride1D.Dense> Device<T>(long length)
        where T : unmanaged
    {
        Interlocked.Increment(ref _allocations);
        return _accelerator.Allocate1D<T>(Math.Max(1, length));
    }

    public PageLockedArray1D<T> PageLocked<T>(long length)
        where T : unmanaged
    {
        Interlocked.Increment(ref _allocations);
        return _accelerator.AllocatePageLocked1D<T>(Math.Max(1, length));
    }
}
