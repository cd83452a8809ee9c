using MathNet.Numerics.Interpolation;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// From drift known at a few times (window centres) to drift at every frame: a natural cubic spline
/// between the knots, straight lines (the spline's end slope) beyond them; a line for two knots, a
/// constant for one.
/// </summary>
internal static class DriftInterpolation
{
    public static double[] ToFrames(IReadOnlyList<double> knotFrames, IReadOnlyList<double> values, int frameCount)
    {
        var result = new double[frameCount];
        int n = knotFrames.Count;
        if (n == 0)
        {
            return result;
        }

        if (n == 1)
        {
            Array.Fill(result, values[0]);
            return result;
        }

        double[] t = [.. knotFrames];
        double[] v = [.. values];
        if (n == 2)
        {
            double slope = (v[1] - v[0]) / (t[1] - t[0]);
            for (int f = 0; f < frameCount; f++)
            {
                result[f] = v[0] + (slope * (f - t[0]));
            }

            return result;
        }

        CubicSpline spline = CubicSpline.InterpolateNaturalSorted(t, v);
        double first = t[0], last = t[n - 1];
        double slopeFirst = spline.Differentiate(first), slopeLast = spline.Differentiate(last);
        for (int f = 0; f < frameCount; f++)
        {
            result[f] = f < first ? v[0] + (slopeFirst * (f - first))
                : f > last ? v[n - 1] + (slopeLast * (f - last))
                : spline.Interpolate(f);
        }

        return result;
    }
}
