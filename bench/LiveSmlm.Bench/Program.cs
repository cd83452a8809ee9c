namespace LiveSmlm.Bench;

/// <summary>Entry point: `dotnet run -c Release --project bench/LiveSmlm.Bench -- NAME`.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: LiveSmlm.Bench simulator");
        return args.Length == 0 ? 2 : 0;
    }
}
