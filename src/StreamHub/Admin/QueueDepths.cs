namespace StreamHub.Admin;

/// <summary>Waiting requests per requested priority.</summary>
public sealed record QueueDepths(int Critical, int High, int Normal, int Low)
{
    public int Total => Critical + High + Normal + Low;
}
