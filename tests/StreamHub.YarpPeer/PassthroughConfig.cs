using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace StreamHub.YarpPeer;

/// <summary>One route (<c>/v1/{**rest}</c>) to one destination, with YARP's defaults otherwise.</summary>
internal static class PassthroughConfig
{
    public static IReadOnlyList<RouteConfig> Routes { get; } =
    [
        new RouteConfig { RouteId = "v1", ClusterId = "upstream", Match = new RouteMatch { Path = "/v1/{**rest}" } },
    ];

    public static IReadOnlyList<ClusterConfig> Clusters(string upstream) =>
    [
        new ClusterConfig
        {
            ClusterId = "upstream",
            Destinations = new Dictionary<string, DestinationConfig> { ["upstream"] = new() { Address = upstream } },

            // A stream may be quiet for a while between tokens; YARP's 100 s activity timeout would cut a slow one.
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(10) },
        },
    ];
}
