using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// The model catalog: which regions serve each client-facing model and under what upstream name
/// (<c>Upstream:Regions:N:Models</c>), and the models to fall back to (<c>Upstream:Fallbacks</c>). A region
/// without <c>Models</c> serves any name as asked, so with no mapping anywhere every region serves every
/// name, as before the catalog. Built once from the validated settings; the routes share the regions (and
/// so their breakers and pools) with every other route that names them.
/// </summary>
internal sealed class ModelCatalog
{
    private readonly Dictionary<string, ModelRoute> _mapped = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<string>> _fallbacks;
    private readonly RegionSelector _anyName;
    private readonly List<string> _names = [];

    public ModelCatalog(UpstreamOptions options, RegionSelector regions)
    {
        Regions = regions;
        DefaultModel = options.Model;
        _fallbacks = options.Fallbacks;
        var anyName = new List<UpstreamRegion>();
        var serving = new Dictionary<string, Dictionary<UpstreamRegion, string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var region in regions.Regions)
        {
            if (region.Options.Models.Count == 0)
            {
                anyName.Add(region);
            }

            foreach (var (model, upstreamName) in region.Options.Models)
            {
                if (!serving.TryGetValue(model, out var names))
                {
                    serving[model] = names = [];
                }

                names[region] = upstreamName;
            }
        }

        _anyName = new RegionSelector(anyName);
        AnyNameRegions = anyName;
        foreach (var (model, names) in serving)
        {
            // A region that serves any name serves this one too, under the name as asked.
            var members = regions.Regions.Where(r => names.ContainsKey(r) || anyName.Contains(r)).ToArray();
            _mapped[model] = new ModelRoute(model, new RegionSelector(members), names);
        }

        if (Serves(options, DefaultModel))
        {
            _names.Add(DefaultModel);
        }

        _names.AddRange(serving.Keys.Where(m => !string.Equals(m, DefaultModel, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Every region, whatever it serves.</summary>
    public RegionSelector Regions { get; }

    /// <summary><c>Upstream:Model</c>: the model of a request that names none.</summary>
    public string DefaultModel { get; }

    /// <summary>The names the catalog lists: <see cref="DefaultModel"/>, then every mapped name.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The regions without <c>Models</c>: they serve any name as asked.</summary>
    public IReadOnlyList<UpstreamRegion> AnyNameRegions { get; }

    /// <summary>Whether some region of <paramref name="options"/> serves <paramref name="model"/> (for start-up validation).</summary>
    public static bool Serves(UpstreamOptions options, string model)
        => options.Regions.Exists(r => r.Models.Count == 0 || r.Models.ContainsKey(model));

    /// <summary>The route of <paramref name="model"/>, or null when no region serves it.</summary>
    public ModelRoute? Find(string model)
    {
        if (_mapped.TryGetValue(model, out var route))
        {
            return route;
        }

        return AnyNameRegions.Count > 0 ? new ModelRoute(model, _anyName) : null;
    }

    /// <summary><c>Upstream:Fallbacks:&lt;model&gt;</c>, in order.</summary>
    public IReadOnlyList<string> FallbacksOf(string model) => _fallbacks.TryGetValue(model, out var fallbacks) ? fallbacks : [];

    /// <summary>
    /// The routes a request for <paramref name="model"/> may take, in order: the model's own, then each fallback the
    /// caller may use. <paramref name="allowed"/> is the caller's list of models (null: any). A model outside the list
    /// is <c>forbidden</c>, one no region serves <c>invalid_request</c>; both sentences list what the caller may ask for.
    /// </summary>
    public IReadOnlyList<ModelRoute> Plan(string model, IReadOnlyCollection<string>? allowed)
    {
        if (allowed is not null && !Contains(allowed, model))
        {
            throw new StreamHubException(
                ErrorCodes.Forbidden, $"model '{model}' is not one this caller may use; ask for one of: {string.Join(", ", allowed)}");
        }

        var first = Find(model) ?? throw new StreamHubException(
            ErrorCodes.InvalidRequest, $"model '{model}' is not served here; ask for one of: {string.Join(", ", Listed(allowed))}");
        var plan = new List<ModelRoute>(1 + FallbacksOf(model).Count) { first };
        foreach (var fallback in FallbacksOf(model))
        {
            if ((allowed is null || Contains(allowed, fallback)) && Find(fallback) is { } route)
            {
                plan.Add(route);
            }
        }

        return plan;
    }

    /// <summary>The names a caller with <paramref name="allowed"/> may ask for: the listed ones, and any other of its own a region serves.</summary>
    public IReadOnlyList<string> Listed(IReadOnlyCollection<string>? allowed)
    {
        if (allowed is null)
        {
            return _names;
        }

        var listed = new List<string>();
        foreach (var name in _names)
        {
            if (Contains(allowed, name))
            {
                listed.Add(name);
            }
        }

        foreach (var name in allowed)
        {
            if (!Contains(listed, name) && Find(name) is not null)
            {
                listed.Add(name);
            }
        }

        return listed;
    }

    private static bool Contains(IEnumerable<string> names, string name)
    {
        foreach (var candidate in names)
        {
            if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
