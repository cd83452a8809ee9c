using System.Runtime.InteropServices;

namespace LiveSmlm.Acquisition;

/// <summary>Names the machine a figure came from: CPU model, cores, OS, runtime.</summary>
public static class MachineInfo
{
    public static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                    {
                        return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                    }
                }
            }
        }
        catch (IOException)
        {
            // Fall through to the architecture name: the figure is still worth reporting.
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    public static string Describe() =>
        $"{CpuModel()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
}
