using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace LiveSmlm.Localization.Gpu.Tests;

/// <summary>
/// Every kernel of the GPU engine compiles to PTX for the oldest and the newest CUDA architecture the
/// engine supports, with the context settings production uses (<see cref="GpuEngine.EngineSettings"/>).
/// ILGPU compiles PTX without a device, so a kernel that CUDA could not load fails here, in CI, and not
/// on the first rig: ILGPU's CPU accelerator runs any .NET math and would never notice.
/// </summary>
public sealed class PtxCompileTests
{
    public static TheoryData<string, string> KernelsByArchitecture()
    {
        var data = new TheoryData<string, string>();
        foreach (string arch in new[] { nameof(GpuEngine.OldestArchitecture), nameof(GpuEngine.NewestArchitecture) })
        {
            foreach (MethodInfo kernel in Kernels())
            {
                data.Add(arch, $"{kernel.DeclaringType!.Name}.{kernel.Name}");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KernelsByArchitecture))]
    public void Kernel_CompilesToPtx(string architecture, string kernelName)
    {
        CudaArchitecture arch = architecture == nameof(GpuEngine.OldestArchitecture)
            ? GpuEngine.OldestArchitecture
            : GpuEngine.NewestArchitecture;
        MethodInfo kernel = Kernels().Single(k => $"{k.DeclaringType!.Name}.{k.Name}" == kernelName);

        using Context context = Context.Create(builder => GpuEngine.EngineSettings(builder));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(arch), arch, IsaFor(arch), nvvmAPI: null!);
        EntryPointDescription entry = IsImplicitlyGrouped(kernel)
            ? EntryPointDescription.FromImplicitlyGroupedKernel(kernel)
            : EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
        var specialization = KernelSpecialization.Empty;

        var compiled = Assert.IsType<PTXCompiledKernel>(backend.Compile(entry, specialization));
        Assert.Contains(".visible .entry", compiled.PTXAssembly, StringComparison.Ordinal);

        // ILGPU 1.5.3 writes at most `.target sm_80` (it asks for no newer instruction); the driver
        // JIT-compiles such PTX for any newer device, so the target lies in [oldest, arch].
        Match target = Regex.Match(compiled.PTXAssembly, @"\.target sm_(\d)(\d)");
        Assert.True(target.Success, "no .target line in the PTX");
        var written = new CudaArchitecture(int.Parse(target.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(target.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.True(written >= GpuEngine.OldestArchitecture && written <= arch, $"PTX target {written} outside [{GpuEngine.OldestArchitecture}, {arch}]");
    }

    [Fact]
    public void Reflection_FindsEveryKernelTheEngineLoads()
    {
        // KernelSet caches one launch delegate per kernel it loads; each must be among those compiled above.
        int loaded = typeof(GpuLocalizer).Assembly.GetType("LiveSmlm.Localization.Gpu.KernelSet", throwOnError: true)!
            .GetProperties().Count(p => p.PropertyType.IsGenericType && p.PropertyType.FullName!.StartsWith("System.Action", StringComparison.Ordinal));
        Assert.Equal(loaded, Kernels().Count());
        Assert.True(loaded >= 16, $"only {loaded} kernels found");
    }

    /// <summary>The kernels: public static void methods of the engine's static classes named *Kernels.</summary>
    private static IEnumerable<MethodInfo> Kernels() =>
        typeof(GpuLocalizer).Assembly.GetTypes()
            .Where(t => t.IsAbstract && t.IsSealed && t.Name.EndsWith("Kernels", StringComparison.Ordinal))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.ReturnType == typeof(void))
            .OrderBy(m => m.DeclaringType!.Name, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal);

    private static bool IsImplicitlyGrouped(MethodInfo kernel)
    {
        Type first = kernel.GetParameters()[0].ParameterType;
        return first == typeof(Index1D) || first == typeof(Index2D) || first == typeof(Index3D);
    }

    // The lowest PTX ISA that knows the architecture (CUDA 10.0 → sm_70 … CUDA 11.8 → sm_90).
    private static CudaInstructionSet IsaFor(CudaArchitecture arch) =>
        arch.Major >= 9 ? CudaInstructionSet.ISA_78 : CudaInstructionSet.ISA_63;
}
