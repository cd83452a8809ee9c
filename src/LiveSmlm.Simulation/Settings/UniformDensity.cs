namespace LiveSmlm.Simulation;

/// <summary>
/// A profile's camera, optics, background and brightness with a uniform random sample whose sites bind
/// and unbind (stationary, no bleaching) so that on average ρ emitters per µm² are on: the samples of
/// the accuracy benchmark and of the network's training data.
/// </summary>
public static class UniformDensity
{
    /// <summary>Density of labelled sites; each site is on a fraction ρ/sites of the time.</summary>
    public const double SitesPerUm2 = 20;

    /// <summary>Mean on time of an emitter, frames (a typical dSTORM/PAINT event spans a few frames).</summary>
    public const double MeanOnFrames = 3;

    /// <summary>Frames after which the binding kinetics are within 2 % of their steady state at any density up to half the site density.</summary>
    public static int SettlingFrames(SimulationSettings settings, double densityPerUm2)
    {
        ArgumentNullException.ThrowIfNull(settings);
        SimulationSettings s = At(settings, densityPerUm2);
        double relaxPerS = s.Photophysics.BindingPerS + s.Photophysics.UnbindingPerS;
        return (int)Math.Ceiling(4 / relaxPerS * settings.Camera.FrameRateHz);
    }

    /// <summary>The settings with the uniform binding sample at <paramref name="densityPerUm2"/> active emitters per µm².</summary>
    public static SimulationSettings At(SimulationSettings settings, double densityPerUm2)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!(densityPerUm2 > 0 && densityPerUm2 < SitesPerUm2))
        {
            throw new ArgumentOutOfRangeException(nameof(densityPerUm2), densityPerUm2, $"Density must be within (0, {SitesPerUm2}) per µm².");
        }

        double offPerS = settings.Camera.FrameRateHz / MeanOnFrames;
        // An event of M frames on average touches M + 1 exposures, and the ground truth lists an emitter in
        // every frame it was on at all: so the fraction of time on is ρ/sites · M/(M + 1).
        double onFraction = densityPerUm2 / SitesPerUm2 * MeanOnFrames / (MeanOnFrames + 1);
        double bindPerS = offPerS * onFraction / (1 - onFraction);
        PhotophysicsSettings p = settings.Photophysics;
        double photonsPerS = p.EmissionRatePerS(settings.ExcitationPowerMw);
        return settings with
        {
            Sample = settings.Sample with
            {
                Structure = SampleStructure.Uniform,
                Uniform = new UniformSettings { DensityPerUm2 = SitesPerUm2 },
                LabelingEfficiency = 1,
                Fiducials = null,
            },
            Photophysics = p with
            {
                Kind = PhotophysicsKind.Binding,
                UnbindingPerS = offPerS,
                // kon·c in 1/s: the settings hold kon (1/M/s) and c (nM).
                BindingOnRatePerMPerS = bindPerS / (p.ImagerConcentrationNm * 1e-9),
                EmissionPhotonsPerS = photonsPerS,
                ReferenceExcitationPowerMw = settings.ExcitationPowerMw,
            },
        };
    }
}
