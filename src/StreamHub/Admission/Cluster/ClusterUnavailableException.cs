namespace StreamHub.Admission.Cluster;

/// <summary>Redis did not answer a cluster admission call; the instance has switched to its fallback pool.</summary>
internal sealed class ClusterUnavailableException : Exception
{
    public ClusterUnavailableException()
    {
    }

    public ClusterUnavailableException(string message)
        : base(message)
    {
    }

    public ClusterUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
