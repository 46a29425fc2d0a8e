namespace StreamHub.Upstream;

internal enum MidStreamMode
{
    /// <summary>End the caller's stream with <c>upstream_interrupted</c>.</summary>
    Fail,

    /// <summary>Ask a healthy region to continue the partial answer and stream only the continuation.</summary>
    Continue,
}
