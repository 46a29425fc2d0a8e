namespace StreamHub.OpenAi;

/// <summary>
/// The request headers StreamHub reads beside OpenAI's own, and the response headers it adds. A body field
/// of the same meaning (<c>group</c>, <c>request_id</c>) is used when the header is absent.
/// </summary>
internal static class OpenAiHeaders
{
    /// <summary>critical, high, normal or low: lowers the tenant's tier for this request; a higher ask is capped to the tier.</summary>
    public const string Priority = "X-StreamHub-Priority";

    /// <summary>The fan-out group whose members see the tokens (the hub's <c>group</c>).</summary>
    public const string Group = "X-StreamHub-Group";

    /// <summary>The client-chosen request id (<c>[A-Za-z0-9_-]{1,64}</c>); echoed on the response.</summary>
    public const string RequestId = "X-Request-Id";

    /// <summary>The upstream region that served the request (response only).</summary>
    public const string Region = "X-StreamHub-Region";

    /// <summary>The client-facing model that answered: the request's, or a fallback (response only; the body's <c>model</c> is the region's name for it).</summary>
    public const string Model = "X-StreamHub-Model";
}
