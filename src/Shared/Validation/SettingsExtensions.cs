using System.Collections;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace StreamHub.Validation;

internal static class SettingsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="section"/> (the root when empty), validates it
    /// with <typeparamref name="TValidator"/> (its one <see cref="SettingsValidator{TOptions}"/>) and checks it
    /// when the host starts, so a bad setting stops start-up with a message naming its key.
    /// </summary>
    public static OptionsBuilder<TOptions> AddSettings<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddOptions<TOptions>()
            .Configure<IConfiguration>((options, configuration) =>
                Bind(section.Length == 0 ? configuration : configuration.GetSection(section), options))
            .ValidateOnStart();
    }

    /// <summary>
    /// Binds like <c>ConfigurationBinder.Bind</c>, but a value the binder cannot convert fails however deep it
    /// sits. The binder silently drops a list or dictionary item holding such a value (<c>Tenants:0:Tier=Gold</c>
    /// would lose the tenant; <c>Upstream:Regions:0:Priority=high</c> the region), so each item is bound again
    /// on its own, where the binder's error names the key.
    /// </summary>
    private static void Bind<TOptions>(IConfiguration section, TOptions options)
        where TOptions : class
    {
        try
        {
            section.Bind(options);
            CheckItemsBind(section, typeof(TOptions));
        }
        catch (InvalidOperationException ex)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), [ex.Message]);
        }
    }

    private static void CheckItemsBind(IConfiguration section, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var child = section.GetSection(property.Name);
            if (!child.GetChildren().Any())
            {
                continue;
            }

            if (ItemType(property.PropertyType) is { } itemType)
            {
                foreach (var item in child.GetChildren())
                {
                    _ = item.Get(itemType);
                    CheckItemsBind(item, itemType);
                }
            }
            else if (property.PropertyType.IsClass && property.PropertyType != typeof(string))
            {
                CheckItemsBind(child, property.PropertyType);
            }
        }
    }

    /// <summary>The item type of a list or of a dictionary's values; null for anything else.</summary>
    private static Type? ItemType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        foreach (var contract in type.GetInterfaces().Prepend(type))
        {
            if (contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(IDictionary<,>))
            {
                return contract.GetGenericArguments()[1];
            }
        }

        foreach (var contract in type.GetInterfaces().Prepend(type))
        {
            if (contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return contract.GetGenericArguments()[0];
            }
        }

        return null;
    }
}
