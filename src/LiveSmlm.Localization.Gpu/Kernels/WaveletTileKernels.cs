using ILGPU;

namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// One à trous B3 smoothing level (both passes) on 16×16 tiles: each thread group loads its tile and
/// a mirrored halo into shared memory once, smooths the rows, then the columns.
/// </summary>
/// <remarks>
/// The float operations are BSplineWavelet's, in its order: the horizontal pass of every (mirrored)
/// row the vertical pass needs, then (Outer·(up2 + down2)) + (Inner·(up1 + down1)) + (Centre·mid).
/// Groups are 1-D of any size (CUDA: 256 threads, ILGPU's CPU accelerator: 16) and stride over the tile.
/// </remarks>
internal static class WaveletTileKernels
{
    /// <summary>Output tile side, pixels.</summary>
    public const int Tile = 16;

    // Largest halo: taps 2·step apart with step ≤ 2 (the two wavelet levels).
    private const int MaxReach = 4;
    private const int MaxInput = (Tile + (2 * MaxReach)) * (Tile + (2 * MaxReach));
    private const int MaxRows = (Tile + (2 * MaxReach)) * Tile;

    private const float Outer = 1f / 16f;
    private const float Inner = 4f / 16f;
    private const float Centre = 6f / 16f;

    /// <summary>destination = source ∗ B3 (taps <see cref="TileGeometry.Step"/> px apart) for every frame of the batch.</summary>
    public static void Smooth(ArrayView<float> source, ArrayView<float> destination, TileGeometry g)
    {
        ArrayView<float> input = SharedMemory.Allocate<float>(MaxInput);
        ArrayView<float> rows = SharedMemory.Allocate<float>(MaxRows);
        int tilesPerFrame = g.TilesX * g.TilesY;
        int frame = Grid.IdxX / tilesPerFrame;
        int tile = Grid.IdxX - (frame * tilesPerFrame);
        int ty = tile / g.TilesX;
        int x0 = (tile - (ty * g.TilesX)) * Tile;
        int y0 = ty * Tile;
        long frameStart = (long)frame * g.Width * g.Height;
        int s = g.Step, reach = 2 * g.Step;
        int inW = Tile + (2 * reach), inH = Tile + (2 * reach);
        int lastX = g.Width - 1, lastY = g.Height - 1;
        int threads = Group.DimX;

        // Tile plus halo, mirrored about the edge pixels; positions no valid output needs stay 0.
        for (int k = Group.IdxX; k < inW * inH; k += threads)
        {
            int r = k / inW;
            int c = k - (r * inW);
            int y = y0 - reach + r, x = x0 - reach + c;
            input[k] = y <= lastY + reach && x <= lastX + reach
                ? source[frameStart + ((long)Mirror(y, lastY) * g.Width) + Mirror(x, lastX)]
                : 0f;
        }

        Group.Barrier();

        // Horizontal pass of every row in the tile and its vertical halo.
        for (int k = Group.IdxX; k < inH * Tile; k += threads)
        {
            int r = k / Tile;
            int c = k - (r * Tile);
            int centre = (r * inW) + c + reach;
            rows[k] = (Outer * (input[centre - reach] + input[centre + reach]))
                + (Inner * (input[centre - s] + input[centre + s]))
                + (Centre * input[centre]);
        }

        Group.Barrier();

        // Vertical pass: rows[r] holds row y0 − reach + r (mirrored), so y ± d is rows[y − y0 + reach ± d].
        for (int k = Group.IdxX; k < Tile * Tile; k += threads)
        {
            int r = k / Tile;
            int c = k - (r * Tile);
            int x = x0 + c, y = y0 + r;
            if (x <= lastX && y <= lastY)
            {
                int mid = ((r + reach) * Tile) + c;
                float up2 = rows[mid - (reach * Tile)], up1 = rows[mid - (s * Tile)];
                float down1 = rows[mid + (s * Tile)], down2 = rows[mid + (reach * Tile)];
                destination[frameStart + ((long)y * g.Width) + x] = (Outer * (up2 + down2)) + (Inner * (up1 + down1)) + (Centre * rows[mid]);
            }
        }
    }

    // Mirror about the edge pixel (…, 2, 1, 0, 1, 2, …), as BSplineWavelet does.
    private static int Mirror(int i, int last) => i < 0 ? -i : (i > last ? (2 * last) - i : i);
}

/// <summary>Frame size, tap step and tile counts of one smoothing launch.</summary>
internal struct TileGeometry
{
    public int Width;
    public int Height;
    public int Step;
    public int TilesX;
    public int TilesY;
}
