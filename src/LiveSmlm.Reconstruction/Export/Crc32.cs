namespace LiveSmlm.Reconstruction;

/// <summary>
/// Table-driven CRC-32 as PNG requires for every chunk (PNG spec, ISO/IEC 15948 §5.5 and Annex D):
/// reflected polynomial 0xEDB88320, register preset to all ones, result complemented.
/// </summary>
internal static class Crc32
{
    // ISO 3309 / ITU-T V.42 polynomial x³²+x²⁶+…+1 in reflected (LSB-first) form, as PNG uses it.
    private const uint ReflectedPolynomial = 0xEDB88320u;

    private static readonly uint[] Table = BuildTable();

    /// <summary>CRC-32 of <paramref name="data"/> in one go.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    /// <summary>Register value before any byte.</summary>
    public const uint Start = 0xFFFFFFFFu;

    /// <summary>Feeds more bytes into a running register (start from <see cref="Start"/>).</summary>
    public static uint Update(uint register, ReadOnlySpan<byte> data)
    {
        uint c = register;
        foreach (byte b in data)
        {
            c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return c;
    }

    /// <summary>Final complement that turns the register into the CRC.</summary>
    public static uint Finish(uint register) => register ^ 0xFFFFFFFFu;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? ReflectedPolynomial ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
