using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace StreamHub.Validation;

/// <summary>
/// The one way a settings section is validated: the data annotations on its options class, followed into
/// members marked <see cref="ValidateObjectMembersAttribute"/> and into the items of members marked
/// <see cref="ValidateEnumeratedItemsAttribute"/> (lists by index, dictionaries by key), then the section's
/// rules that span fields (<see cref="CheckFields"/>). Every failure names its full configuration key
/// (<c>Upstream:Retry:MaxAttempts</c>, <c>Tenants:0:Tier</c>): an annotation's <c>{0}</c> is that key.
/// Start-up and every run-time change of settings (<c>PUT /admin/limits</c>) run this same validator.
/// </summary>
/// <remarks>
/// Not the source-generated <c>[OptionsValidator]</c>: it names a member <c>Upstream.Regions[0].Name</c>,
/// which is not a key an operator can set, and it does not follow dictionaries (<c>Pricing:Models:&lt;model&gt;</c>).
/// </remarks>
internal abstract class SettingsValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <summary>The section's key ("" for a list bound at the root, such as <c>Tenants</c>).</summary>
    public string Section { get; } = section;

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        CheckAnnotations(Section, options, failures);

        // Rules across fields assume each field is in range on its own (and nested objects present).
        if (failures.Count == 0)
        {
            CheckFields(options, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The section's rules that one annotation cannot express; each message starts with the key it names.</summary>
    protected virtual void CheckFields(TOptions options, List<string> failures)
    {
    }

    private static void CheckAnnotations(string key, object instance, List<string> failures)
    {
        foreach (var property in instance.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is null || property.GetIndexParameters().Length != 0)
            {
                continue;
            }

            var value = property.GetValue(instance);
            var path = key.Length == 0 ? property.Name : $"{key}:{property.Name}";
            var context = new ValidationContext(instance) { MemberName = property.Name, DisplayName = path };
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
            {
                if (attribute.GetValidationResult(value, context) is { ErrorMessage: { } message })
                {
                    failures.Add(message);
                }
            }

            if (value is null)
            {
                continue;
            }

            if (property.IsDefined(typeof(ValidateObjectMembersAttribute)))
            {
                CheckAnnotations(path, value, failures);
            }
            else if (property.IsDefined(typeof(ValidateEnumeratedItemsAttribute)))
            {
                CheckItems(path, value, failures);
            }
        }
    }

    private static void CheckItems(string key, object items, List<string> failures)
    {
        if (items is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (entry.Value is not null)
                {
                    CheckAnnotations($"{key}:{entry.Key}", entry.Value, failures);
                }
            }

            return;
        }

        var index = 0;
        foreach (var item in (IEnumerable)items)
        {
            if (item is not null)
            {
                CheckAnnotations($"{key}:{index}", item, failures);
            }

            index++;
        }
    }
}
