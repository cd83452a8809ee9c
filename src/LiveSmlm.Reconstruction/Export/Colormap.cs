namespace LiveSmlm.Reconstruction;

/// <summary>How a normalised intensity t ∈ [0, 1] becomes a colour in an exported image.</summary>
public enum Colormap
{
    /// <summary>Greyscale: t → grey level 255·t (8-bit greyscale PNG).</summary>
    Gray,

    /// <summary>Black → red → yellow → white, as MATLAB's and matplotlib's "hot": R = 3t, G = 3t − 1, B = 3t − 2, each clamped to [0, 1].</summary>
    Hot,
}
