using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// Optimal matching inside one frame: candidate pairs from a grid of radius-sized cells, connected
/// components of the candidate graph, Kuhn–Munkres on each component. Buffers are reused across frames.
/// </summary>
internal sealed class FrameMatcher
{
    private readonly IReadOnlyList<Localization> _locs;
    private readonly IReadOnlyList<GroundTruthEmitter> _truth;
    private readonly double _radiusNm;
    private readonly double? _axialRadiusNm;

    // Grid: cell key → first truth (frame-local index) in it; _nextInCell chains the rest (−1 ends).
    private readonly Dictionary<long, int> _cellHead = [];
    private int[] _nextInCell = [];
    private readonly List<Candidate> _candidates = [];

    // Union–find over frame-local nodes: localizations 0..nl−1, then truths nl..nl+nt−1.
    private int[] _parent = [];

    // Frame-local index → index inside the current component (−1 when not in it).
    private int[] _slotOfLoc = [];
    private int[] _slotOfTruth = [];

    public FrameMatcher(IReadOnlyList<Localization> locs, IReadOnlyList<GroundTruthEmitter> truth, double radiusNm, double? axialRadiusNm)
    {
        _locs = locs;
        _truth = truth;
        _radiusNm = radiusNm;
        _axialRadiusNm = axialRadiusNm;
    }

    /// <summary>Adds the optimal pairs between the given localizations and truths (all of one frame).</summary>
    public void MatchFrame(ReadOnlySpan<int> locIndices, ReadOnlySpan<int> truthIndices, List<LocalizationMatch> output)
    {
        FindCandidates(locIndices, truthIndices);
        if (_candidates.Count == 0)
        {
            return;
        }

        int nl = locIndices.Length;
        int nt = truthIndices.Length;
        EnsureCapacity(ref _parent, nl + nt);
        for (int i = 0; i < nl + nt; i++)
        {
            _parent[i] = i;
        }

        foreach (Candidate c in _candidates)
        {
            Union(c.Loc, nl + c.Truth);
        }

        for (int k = 0; k < _candidates.Count; k++)
        {
            Candidate c = _candidates[k];
            _candidates[k] = c with { Component = Find(c.Loc) };
        }

        _candidates.Sort(static (p, q) => p.Component.CompareTo(q.Component));
        EnsureCapacity(ref _slotOfLoc, nl);
        EnsureCapacity(ref _slotOfTruth, nt);
        Array.Fill(_slotOfLoc, -1, 0, nl);
        Array.Fill(_slotOfTruth, -1, 0, nt);

        int start = 0;
        while (start < _candidates.Count)
        {
            int end = start + 1;
            while (end < _candidates.Count && _candidates[end].Component == _candidates[start].Component)
            {
                end++;
            }

            SolveComponent(start, end, locIndices, truthIndices, output);
            start = end;
        }
    }

    private void FindCandidates(ReadOnlySpan<int> locIndices, ReadOnlySpan<int> truthIndices)
    {
        _candidates.Clear();
        _cellHead.Clear();
        EnsureCapacity(ref _nextInCell, truthIndices.Length);
        for (int j = 0; j < truthIndices.Length; j++)
        {
            GroundTruthEmitter t = _truth[truthIndices[j]];
            if (!(double.IsFinite(t.XNm) && double.IsFinite(t.YNm)))
            {
                continue;
            }

            long key = CellKey(Cell(t.XNm), Cell(t.YNm));
            _nextInCell[j] = _cellHead.TryGetValue(key, out int head) ? head : -1;
            _cellHead[key] = j;
        }

        double radiusSquared = _radiusNm * _radiusNm;
        for (int i = 0; i < locIndices.Length; i++)
        {
            Localization loc = _locs[locIndices[i]];
            if (!(float.IsFinite(loc.XNm) && float.IsFinite(loc.YNm)))
            {
                continue;
            }

            int cx = Cell(loc.XNm);
            int cy = Cell(loc.YNm);
            for (int ox = -1; ox <= 1; ox++)
            {
                for (int oy = -1; oy <= 1; oy++)
                {
                    if (!_cellHead.TryGetValue(CellKey(cx + ox, cy + oy), out int j))
                    {
                        continue;
                    }

                    for (; j >= 0; j = _nextInCell[j])
                    {
                        GroundTruthEmitter t = _truth[truthIndices[j]];
                        double dx = loc.XNm - t.XNm;
                        double dy = loc.YNm - t.YNm;
                        double d2 = (dx * dx) + (dy * dy);
                        if (d2 <= radiusSquared && AxiallyAllowed(loc.ZNm, t.ZNm))
                        {
                            _candidates.Add(new Candidate(i, j, Math.Sqrt(d2), 0));
                        }
                    }
                }
            }
        }
    }

    private bool AxiallyAllowed(double locZ, double truthZ)
    {
        // The axial limit applies only where both sides know z.
        return _axialRadiusNm is not { } axial || !double.IsFinite(locZ - truthZ) || Math.Abs(locZ - truthZ) <= axial;
    }

    private void SolveComponent(int start, int end, ReadOnlySpan<int> locIndices, ReadOnlySpan<int> truthIndices, List<LocalizationMatch> output)
    {
        if (end - start == 1)
        {
            Candidate only = _candidates[start];
            output.Add(new LocalizationMatch(locIndices[only.Loc], truthIndices[only.Truth], only.DistanceNm));
            return;
        }

        var locsHere = new List<int>();
        var truthsHere = new List<int>();
        for (int k = start; k < end; k++)
        {
            Candidate c = _candidates[k];
            if (_slotOfLoc[c.Loc] < 0)
            {
                _slotOfLoc[c.Loc] = locsHere.Count;
                locsHere.Add(c.Loc);
            }

            if (_slotOfTruth[c.Truth] < 0)
            {
                _slotOfTruth[c.Truth] = truthsHere.Count;
                truthsHere.Add(c.Truth);
            }
        }

        // Rows are the smaller side (the solver needs rows ≤ columns).
        bool locsAreRows = locsHere.Count <= truthsHere.Count;
        int rows = locsAreRows ? locsHere.Count : truthsHere.Count;
        int columns = locsAreRows ? truthsHere.Count : locsHere.Count;

        // A forbidden pair costs more than any set of allowed pairs could save, so the optimum first
        // maximises the number of pairs, then minimises their total distance.
        double forbidden = ((rows + 1) * _radiusNm) + 1;
        var cost = new double[rows * columns];
        Array.Fill(cost, forbidden);
        for (int k = start; k < end; k++)
        {
            Candidate c = _candidates[k];
            int r = locsAreRows ? _slotOfLoc[c.Loc] : _slotOfTruth[c.Truth];
            int col = locsAreRows ? _slotOfTruth[c.Truth] : _slotOfLoc[c.Loc];
            cost[(r * columns) + col] = c.DistanceNm;
        }

        int[] assigned = HungarianAssignment.Solve(cost, rows, columns);
        for (int r = 0; r < rows; r++)
        {
            double d = cost[(r * columns) + assigned[r]];
            if (d < forbidden)
            {
                int loc = locsAreRows ? locsHere[r] : locsHere[assigned[r]];
                int tr = locsAreRows ? truthsHere[assigned[r]] : truthsHere[r];
                output.Add(new LocalizationMatch(locIndices[loc], truthIndices[tr], d));
            }
        }

        foreach (int l in locsHere)
        {
            _slotOfLoc[l] = -1;
        }

        foreach (int t in truthsHere)
        {
            _slotOfTruth[t] = -1;
        }
    }

    private int Cell(double nm) => (int)Math.Floor(nm / _radiusNm);

    private static long CellKey(int cx, int cy) => ((long)cx << 32) | (uint)cy;

    private int Find(int node)
    {
        while (_parent[node] != node)
        {
            _parent[node] = _parent[_parent[node]];
            node = _parent[node];
        }

        return node;
    }

    private void Union(int a, int b)
    {
        int ra = Find(a);
        int rb = Find(b);
        if (ra != rb)
        {
            _parent[ra] = rb;
        }
    }

    private static void EnsureCapacity(ref int[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new int[Math.Max(length, buffer.Length * 2)];
        }
    }

    /// <summary>An allowed pair (frame-local indices) and the component it belongs to.</summary>
    private readonly record struct Candidate(int Loc, int Truth, double DistanceNm, int Component);
}
