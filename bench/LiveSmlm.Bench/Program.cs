namespace LiveSmlm.Bench;

/// <summary>
/// Entry point: `dotnet run -c Release --project bench/LiveSmlm.Bench -- NAME [options]`.
/// Benchmarks measure and print; they never assert a time.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "simulator")
        {
            return SimulatorBenchmark.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "acquire")
        {
            return AcquireBenchmark.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "live-feed")
        {
            return LiveFeedBenchmark.Run(args[1..]);
        }

        Console.Error.WriteLine("usage: LiveSmlm.Bench simulator [--frames N] [--profiles DIR] [--stages PROFILE.json] | acquire [--frames N] [--stack-frames N] [--engine NAME] | live-feed [--rate N] [--seconds S] [--browser /usr/bin/chromium]");
        return 2;
    }
}
