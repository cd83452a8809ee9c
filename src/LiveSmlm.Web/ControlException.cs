namespace LiveSmlm.Web;

/// <summary>A control action refused: the HTTP status to answer and a message that says what would be right.</summary>
public sealed class ControlException : Exception
{
    public ControlException()
    {
    }

    public ControlException(string message)
        : base(message)
    {
    }

    public ControlException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ControlException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>400 for a bad value, 409 for an action that does not fit the state.</summary>
    public int StatusCode { get; } = 400;
}
