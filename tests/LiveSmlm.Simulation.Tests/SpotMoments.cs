using LiveSmlm.Core;

namespace LiveSmlm.Tests.Support;

/// <summary>
/// The tests' own reading of a simulated frame: ADU → photons at the sample, (ADU − baseline)·e⁻/ADU / EM gain / QE,
/// and the photon-weighted second moments about a known position, within a square window. Also the tests' own
/// SLM images (wrapped Zernike astigmatism), built from the formula and not from the code under test.
/// (Shared by Simulation.Tests and Devices.Tests as a linked file.)
/// </summary>
internal static class SpotMoments
{
    /// <summary>Photons of pixel (x, y).</summary>
    public static double Photons(Frame frame, CameraModel model, int x, int y) =>
        (frame[x, y] - model.BaselineAdu) * model.ElectronsPerAdu / model.EmGain / model.QuantumEfficiency;

    /// <summary>Photons in the whole frame.</summary>
    public static double TotalPhotons(Frame frame, CameraModel model)
    {
        double sum = 0;
        for (int y = 0; y < frame.Height; y++)
        {
            for (int x = 0; x < frame.Width; x++)
            {
                sum += Photons(frame, model, x, y);
            }
        }

        return sum;
    }

    /// <summary>
    /// √(second moment − p²/12) in x and y (nm) about (xNm, yNm), over pixels whose centres lie within
    /// <paramref name="halfWindowPx"/> of it, and the photons in that window.
    /// </summary>
    public static (double SigmaXNm, double SigmaYNm, double Photons) Widths(Frame frame, CameraModel model, double xNm, double yNm, int halfWindowPx)
    {
        double p = model.PixelSizeNm, cx = xNm / p, cy = yNm / p;
        double sum = 0, sxx = 0, syy = 0;
        for (int y = 0; y < frame.Height; y++)
        {
            for (int x = 0; x < frame.Width; x++)
            {
                double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                if (Math.Abs(dx) <= halfWindowPx && Math.Abs(dy) <= halfWindowPx)
                {
                    double n = Photons(frame, model, x, y);
                    sum += n;
                    sxx += n * dx * dx;
                    syy += n * dy * dy;
                }
            }
        }

        return (Math.Sqrt((sxx / sum) - (1.0 / 12)) * p, Math.Sqrt((syy / sum) - (1.0 / 12)) * p, sum);
    }

    /// <summary>
    /// An n × n SLM image of Noll's astigmatism Z6 = √6 ρ² cos 2θ times <paramref name="amplitudeRad"/> over the
    /// inscribed pupil, wrapped to [0, 2π) and quantized with <paramref name="grayFor2Pi"/> for 2π.
    /// </summary>
    public static byte[] AstigmatismImage(int n, double amplitudeRad, int grayFor2Pi)
    {
        var image = new byte[n * n];
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n; x++)
            {
                double px = (x + 0.5 - (n / 2.0)) / (n / 2.0), py = (y + 0.5 - (n / 2.0)) / (n / 2.0);
                double r2 = (px * px) + (py * py);
                double phase = r2 <= 1 ? amplitudeRad * Math.Sqrt(6) * r2 * Math.Cos(2 * Math.Atan2(py, px)) : 0;
                double wrapped = phase - (2 * Math.PI * Math.Floor(phase / (2 * Math.PI)));
                image[(y * n) + x] = (byte)(Math.Round(wrapped / (2 * Math.PI) * grayFor2Pi) % grayFor2Pi);
            }
        }

        return image;
    }
}
