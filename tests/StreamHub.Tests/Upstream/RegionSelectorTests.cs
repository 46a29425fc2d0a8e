using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StreamHub.Upstream;

namespace StreamHub.Tests.Upstream;

/// <summary>The pick: untried before tried, then priority, then weight (a smooth weighted round robin), ties to the faster region.</summary>
public sealed class RegionSelectorTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Pick_SamePriorityWeightsThreeToOne_1000PicksSplitExactlyThreeToOne()
    {
        var (heavy, light) = (Region("heavy", weight: 3), Region("light", weight: 1));
        var selector = new RegionSelector([heavy, light]);

        var picks = Picks(selector, 1000);

        Assert.Equal((750, 250), (picks[heavy], picks[light]));
    }

    [Fact]
    public void Pick_SamePriorityWeightsThreeToOne_SmoothNotInBursts()
    {
        var (heavy, light) = (Region("heavy", weight: 3), Region("light", weight: 1));
        var selector = new RegionSelector([heavy, light]);

        var order = Enumerable.Range(0, 8).Select(_ => selector.Pick([])!.Name).ToArray();

        // Every four picks hold one of light's, never two in a row of it.
        Assert.Equal(["heavy", "heavy", "light", "heavy", "heavy", "heavy", "light", "heavy"], order);
    }

    [Fact]
    public void Pick_EqualWeights_AlternateAndTheFasterRegionGoesFirst()
    {
        var (slow, fast) = (Region("slow"), Region("fast"));
        slow.StreamOpened(TimeSpan.FromMilliseconds(400));
        fast.StreamOpened(TimeSpan.FromMilliseconds(100));
        var selector = new RegionSelector([slow, fast]);

        var order = Enumerable.Range(0, 4).Select(_ => selector.Pick([])!.Name).ToArray();

        Assert.Equal(["fast", "slow", "fast", "slow"], order);
    }

    [Fact]
    public void Pick_OneRegionOpen_TheOthersShareItsTraffic()
    {
        var (a, b, c) = (Region("a"), Region("b"), Region("c"));
        b.RecordFailure("throttled key");
        var selector = new RegionSelector([a, b, c]);

        var picks = Picks(selector, 1000);

        Assert.Equal((500, 0, 500), (picks[a], picks[b], picks[c]));
    }

    [Fact]
    public void Pick_LowerPriorityNumberAvailable_TakesEverythingWhateverTheWeights()
    {
        var (first, second) = (Region("first", priority: 0, weight: 1), Region("second", priority: 1, weight: 1000));
        var selector = new RegionSelector([second, first]);

        Assert.Equal(100, Picks(selector, 100)[first]);
    }

    [Fact]
    public void Pick_AfterATry_UntriedRegionOfAnyPriorityFirstThenTheTriedOnes()
    {
        var (first, second) = (Region("first", priority: 0), Region("second", priority: 5));
        var selector = new RegionSelector([first, second]);

        Assert.Same(second, selector.Pick([first]));
        Assert.Same(first, selector.Pick([first, second]));
        Assert.Null(selector.Pick([first], exclude: [first, second]));
    }

    private static Dictionary<UpstreamRegion, int> Picks(RegionSelector selector, int count)
    {
        var picks = selector.Regions.ToDictionary(r => r, _ => 0);
        for (var i = 0; i < count; i++)
        {
            picks[selector.Pick([])!]++;
        }

        return picks;
    }

    private UpstreamRegion Region(string name, int priority = 0, int weight = 1) => new(
        new RegionOptions { Name = name, BaseUrl = "http://127.0.0.1:9/v1", Priority = priority, Weight = weight },
        new UpstreamBreakerOptions { FailureThreshold = 1, BreakDuration = TimeSpan.FromMinutes(1) },
        _time,
        NullLogger.Instance);
}
