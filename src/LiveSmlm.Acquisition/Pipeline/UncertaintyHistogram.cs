namespace LiveSmlm.Acquisition.Pipeline;

/// <summary>
/// Median of the localization uncertainties in constant memory (a stack's localizations are never all
/// held): a fixed histogram of 0.05 nm bins up to 500 nm; values beyond fall into the last bin.
/// </summary>
public sealed class UncertaintyHistogram
{
    private const double BinNm = 0.05;
    private const double MaxNm = 500;
    private readonly long[] _counts = new long[(int)(MaxNm / BinNm) + 1];
    private long _total;

    public void Add(double uncertaintyNm)
    {
        if (!double.IsFinite(uncertaintyNm) || uncertaintyNm < 0)
        {
            return;
        }

        int bin = (int)Math.Min(uncertaintyNm / BinNm, _counts.Length - 1);
        _counts[bin]++;
        _total++;
    }

    /// <summary>Median in nm (centre of the bin holding it); NaN when empty.</summary>
    public double Median()
    {
        if (_total == 0)
        {
            return double.NaN;
        }

        long half = (_total + 1) / 2;
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= half)
            {
                return (i + 0.5) * BinNm;
            }
        }

        return MaxNm;
    }
}
