namespace LiveSmlm.Localization;

/// <summary>
/// The per-ROI policy that every engine shares, in one place: when a spot is one emitter, when to try
/// more, when more win, what counts as a duplicate, how far maxima are suppressed. The CPU engine
/// and the GPU engine (on the host, after its kernels) both go through <see cref="RoiFitter"/>,
/// <see cref="PeakFinder.Suppress"/> and these numbers.
/// </summary>
public static class RoiPolicy
{
    // A single fit is poor when its log-likelihood ratio exceeds its expectation F·df by this many
    // standard deviations (F·√(2 df)): LLR ≈ χ²(df), scaled by the excess noise factor for an EMCCD.
    public const double PoorFitStdDevs = 3.0;

    // ... or when it is wider than the PSF by this many of its own standard deviations (√CRLB_σ):
    // two emitters 1.2σ apart look like one spot ≈ 1.09σ wide (√(1 + 0.36/2)). Measured on 1000-photon
    // pairs (b = 10): z ≥ 1.8 in 95 % of cases; isolated spots exceed z = 1.5 in 5–10 % of cases.
    public const double TryPairSigmaZ = 1.5;

    // Kept as one but flagged PossibleOverlap when it is wider than this many standard deviations
    // (isolated spots: 99 % below z = 2.4) ...
    public const double OverlapSigmaZ = 3.0;

    // ... or the pair model gains more than this (isolated spots with a pair fit: 99 % below 13).
    public const double OverlapLikelihoodGain = 10.0;

    // When a model with more emitters wins: LocalizerSettings.MultiEmitterSignificance, turned into χ²
    // quantiles by MultiEmitterOptions.Create (2 degrees of freedom for 7 fixed-σ parameters against the
    // σ-free single fit's 5, 3 for each further emitter).

    // A poor single fit is repeated with the fitted spots of the other candidates whose centre lies
    // within the ROI or this many σ outside it (their light in the ROI): 3σ holds all but 0.3 %.
    public const double NeighbourReachInSigma = 3.0;

    // A single fit that ended farther than this many σ (at least 1 px) from its candidate slid onto a
    // brighter neighbour: it is refitted with the neighbours' spots as known model.
    public const double CandidateDriftInSigma = 1.0;

    // Second detection pass (on data − model of the accepted fits): a residual maximum closer than this
    // many σ (at least 1 px) to an accepted emitter is taken for that fit's model mismatch, not a new
    // emitter. Measured (bench --accuracy, storm 2/µm², 100 frames): 1σ → precision 0.966, 1.5σ → 0.971,
    // 2σ → 0.977, 2.5σ → 0.982 with Jaccard 0.862, 0.865, 0.864, 0.859; hidden emitters sit 2.5–4 px (2–3σ) away.
    public const double ResidualExclusionInSigma = 2.0;

    // Two results closer than this fraction of σ are the same emitter found from two candidates.
    public const double DuplicateFractionOfSigma = 0.5;

    // Non-maximum suppression radius in units of σ: maxima closer than this are one spot (or a pair
    // for the multi-emitter fit), farther ones get their own ROI.
    public const double SuppressionRadiusInSigma = 1.5;

    /// <summary>The non-maximum suppression radius for a PSF of <paramref name="sigmaPx"/>: max(1, round(1.5 σ)) px.</summary>
    public static int SuppressionRadiusPx(double sigmaPx) => Math.Max(1, (int)Math.Round(SuppressionRadiusInSigma * sigmaPx));
}
