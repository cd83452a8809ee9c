namespace LiveSmlm.Simulation.Tests;

public class PhotophysicsTests
{
    private const double SpontaneousPerS = 0.05;
    private const double CrossSectionPerSPerMw = 0.1;
    private const int Frames = 100;
    private const double FrameRateHz = 100;

    [Fact]
    public void ActivationRate_CountedOverManyFrames_IsLinearIn405PowerWithSpontaneousIntercept()
    {
        double[] powersMw = [0, 1, 2, 4];
        var rates = new double[powersMw.Length];
        var variances = new double[powersMw.Length];
        double timeS = Frames / FrameRateHz;
        for (int p = 0; p < powersMw.Length; p++)
        {
            (int activated, int dyes) = CountActivatedDyes(powersMw[p], seed: (ulong)(100 + p));

            // Every dye starts inactive; with rate k the fraction activated after T is 1 − e^{−kT}.
            double fraction = (double)activated / dyes;
            rates[p] = -Math.Log(1 - fraction) / timeS;
            variances[p] = fraction / ((1 - fraction) * dyes * timeS * timeS);
            double expected = SpontaneousPerS + (CrossSectionPerSPerMw * powersMw[p]);
            Assert.True(Math.Abs(rates[p] - expected) < 4 * Math.Sqrt(variances[p]), $"P = {powersMw[p]} mW: rate {rates[p]} vs {expected}");
        }

        // Weighted least-squares line k = a + b·P with the binomial variances as weights.
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int p = 0; p < powersMw.Length; p++)
        {
            double w = 1 / variances[p];
            sw += w;
            sx += w * powersMw[p];
            sy += w * rates[p];
            sxx += w * powersMw[p] * powersMw[p];
            sxy += w * powersMw[p] * rates[p];
        }

        double det = (sw * sxx) - (sx * sx);
        double slope = ((sw * sxy) - (sx * sy)) / det;
        double intercept = ((sxx * sy) - (sx * sxy)) / det;
        double slopeSe = Math.Sqrt(sw / det);
        double interceptSe = Math.Sqrt(sxx / det);
        Assert.True(Math.Abs(intercept - SpontaneousPerS) < 4 * interceptSe, $"intercept {intercept} ± {interceptSe}");
        Assert.True(Math.Abs(slope - CrossSectionPerSPerMw) < 4 * slopeSe, $"slope {slope} ± {slopeSe}");
        Assert.True(slopeSe < 0.05 * CrossSectionPerSPerMw);
    }

    [Fact]
    public void BindingKinetics_AtEquilibrium_SitesAreBoundForTheFractionKonCOverKonCPlusKoff()
    {
        // kon·c = 1e9 /M/s · 1 nM = 1 /s and koff = 3 /s: a site is bound a quarter of the time.
        var settings = TestRigs.Rig(TestRigs.Scmos, 32, new SampleSettings
        {
            Structure = SampleStructure.Uniform,
            Uniform = new UniformSettings { DensityPerUm2 = 400 },
            LinkageErrorNm = 0,
        }, 0) with
        {
            Camera = new CameraSettings { Model = TestRigs.Scmos, WidthPx = 32, HeightPx = 32, FrameRateHz = 20, ExposureMs = 40 },
            Photophysics = new PhotophysicsSettings
            {
                Kind = PhotophysicsKind.Binding,
                BindingOnRatePerMPerS = 1e9,
                ImagerConcentrationNm = 1,
                UnbindingPerS = 3,
                EmissionPhotonsPerS = 10_000,
                ReferenceExcitationPowerMw = 100,
            },
            ExcitationPowerMw = 100,
        };
        using var camera = new SimulatedCamera(settings, 31);
        double photons = 0;
        int frame = 0;

        // Burn in 3 s (12 relaxation times 1/(kon·c + koff)), then measure 5 s.
        TestRigs.Run(camera, 160, _ =>
        {
            if (frame++ >= 60)
            {
                photons += camera.LastFrameTruth.Sum(t => t.Photons);
            }
        });

        // Mean photons per site-exposure / (rate × exposure) = mean fraction of time bound.
        double boundFraction = photons / (10_000 * 0.040 * camera.Labels.Count * 100);
        Assert.Equal(0.25, boundFraction, 0.01);
    }

    [Fact]
    public async Task ActivationPower_SetFromAnotherThreadBetweenFrames_AppliesFromTheNextFrame()
    {
        const double powerMw = 4;
        var settings = SwitchingRig(activationPowerMw: 0);
        using var camera = new SimulatedCamera(settings, 55);
        var seen = new HashSet<long>();
        TestRigs.Run(camera, Frames, _ => seen.UnionWith(camera.LastFrameTruth.Select(t => t.Id)));
        int before = seen.Count;

        await Task.Run(() => camera.ActivationPowerMw = powerMw);
        TestRigs.Run(camera, Frames, _ => seen.UnionWith(camera.LastFrameTruth.Select(t => t.Id)));

        // Second second: the dyes still inactive activate at the new rate, 1 − e^{−kT} of them.
        int dyes = camera.Labels.Count;
        double timeS = Frames / FrameRateHz;
        double expectedFraction = 1 - Math.Exp(-(SpontaneousPerS + (CrossSectionPerSPerMw * powerMw)) * timeS);
        double fraction = (double)(seen.Count - before) / (dyes - before);
        double se = Math.Sqrt(expectedFraction * (1 - expectedFraction) / (dyes - before));
        Assert.Equal(powerMw, camera.ActivationPowerMw);
        Assert.True(Math.Abs(fraction - expectedFraction) < 4 * se, $"fraction {fraction} vs {expectedFraction} ± {se}");
    }

    private static SimulationSettings SwitchingRig(double activationPowerMw) =>
        TestRigs.Rig(TestRigs.Scmos, 32, new SampleSettings
        {
            Structure = SampleStructure.Uniform,
            Uniform = new UniformSettings { DensityPerUm2 = 2000 },
        }, 1) with
        {
            Photophysics = new PhotophysicsSettings
            {
                SpontaneousActivationPerS = SpontaneousPerS,
                ActivationCrossSectionPerSPerMw = CrossSectionPerSPerMw,
                OffSwitchingPerS = 50,
                BleachingPerS = 50,
                ReturnPerS = 0,
            },
            ActivationPowerMw = activationPowerMw,
        };

    private static (int Activated, int Dyes) CountActivatedDyes(double powerMw, ulong seed)
    {
        SimulationSettings settings = SwitchingRig(powerMw);

        // The exposure fills the frame, so every activation is on during some exposure and shows in the truth.
        using var camera = new SimulatedCamera(settings, seed);
        var seen = new HashSet<long>();
        TestRigs.Run(camera, Frames, _ => seen.UnionWith(camera.LastFrameTruth.Select(t => t.Id)));
        return (seen.Count, camera.Labels.Count);
    }
}
