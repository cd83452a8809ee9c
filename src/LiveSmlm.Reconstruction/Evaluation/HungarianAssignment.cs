namespace LiveSmlm.Reconstruction;

/// <summary>
/// Minimum-cost assignment of every row to a distinct column (Kuhn–Munkres with dual potentials,
/// O(rows² · columns)); rows ≤ columns. Used on the small connected components of one frame only.
/// </summary>
internal static class HungarianAssignment
{
    /// <summary>
    /// Returns, for each row r, the column assigned to it. <paramref name="cost"/> is row-major,
    /// rows × columns; every row gets a column, so a caller marks forbidden pairs with a prohibitive
    /// cost and discards them afterwards.
    /// </summary>
    public static int[] Solve(ReadOnlySpan<double> cost, int rows, int columns)
    {
        if (rows > columns)
        {
            throw new ArgumentException($"Assignment needs rows ≤ columns; got {rows} × {columns}.", nameof(rows));
        }

        // 1-based with a virtual column 0 that holds the row being inserted (classic formulation).
        var u = new double[rows + 1];
        var v = new double[columns + 1];
        var rowOfColumn = new int[columns + 1];
        var previous = new int[columns + 1];
        var minSlack = new double[columns + 1];
        var visited = new bool[columns + 1];

        for (int row = 1; row <= rows; row++)
        {
            rowOfColumn[0] = row;
            int column = 0;
            Array.Fill(minSlack, double.PositiveInfinity);
            Array.Clear(visited);

            // Grow a shortest augmenting path (Dijkstra on reduced costs) until it hits a free column.
            do
            {
                visited[column] = true;
                int activeRow = rowOfColumn[column];
                double delta = double.PositiveInfinity;
                int nextColumn = 0;
                for (int j = 1; j <= columns; j++)
                {
                    if (visited[j])
                    {
                        continue;
                    }

                    double reduced = cost[((activeRow - 1) * columns) + (j - 1)] - u[activeRow] - v[j];
                    if (reduced < minSlack[j])
                    {
                        minSlack[j] = reduced;
                        previous[j] = column;
                    }

                    if (minSlack[j] < delta)
                    {
                        delta = minSlack[j];
                        nextColumn = j;
                    }
                }

                for (int j = 0; j <= columns; j++)
                {
                    if (visited[j])
                    {
                        u[rowOfColumn[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minSlack[j] -= delta;
                    }
                }

                column = nextColumn;
            }
            while (rowOfColumn[column] != 0);

            // Flip the path: every column on it takes the row of its predecessor.
            do
            {
                int before = previous[column];
                rowOfColumn[column] = rowOfColumn[before];
                column = before;
            }
            while (column != 0);
        }

        var columnOfRow = new int[rows];
        for (int j = 1; j <= columns; j++)
        {
            if (rowOfColumn[j] != 0)
            {
                columnOfRow[rowOfColumn[j] - 1] = j - 1;
            }
        }

        return columnOfRow;
    }
}
