namespace LiveSmlm.Localization;

/// <summary>
/// A PSF model that <see cref="ModelFit"/> fits: it loads its free parameters θ from a vector, says how
/// far one iteration may move each of them, which must stay positive and within what bounds. Parameter
/// 0 and 1 are always x and y in ROI pixels (origin at the ROI's top-left pixel corner).
/// </summary>
public interface IFitModel : IPixelModel
{
    /// <summary>Sets the model to θ: fills the tables <see cref="IPixelModel.DerivativesAt"/> reads.</summary>
    void Load(ref ParameterVector theta);

    /// <summary>Largest change of parameter <paramref name="a"/> per iteration (its units); ≤ 0: none.</summary>
    float StepLimit(int a);

    /// <summary>A parameter that must stay positive (photons, background, widths) is halved instead of crossing 0.</summary>
    bool IsPositive(int a);

    /// <summary>Steps of parameter <paramref name="a"/> shorter than this count as converged; a reversal of a longer one as oscillation.</summary>
    float Tolerance(int a);

    /// <summary>Bounds parameter <paramref name="a"/> is clamped to after each step.</summary>
    float Lower(int a);

    float Upper(int a);
}
