namespace StreamHub.Emulator.Faults;

/// <summary>
/// Picks a request's fault spec: the next scripted one wins over a directive in the prompt. Both dialects
/// take their fault here, so the script is shared by <c>/v1/chat/completions</c> and <c>/v1/messages</c>. With
/// <c>Emulator:AllowFaultDirectives</c> off there is no fault: the directive stays part of the prompt.
/// </summary>
internal sealed class FaultSelector(EmulatorState state)
{
    /// <summary>The prompt without directives, and the spec text to apply (null: none).</summary>
    public (string Prompt, string? Spec) Choose(string promptText)
    {
        if (!state.FaultsAllowed)
        {
            return (promptText.Trim(), null);
        }

        var prompt = FaultDirective.Strip(promptText, out var directive);
        var spec = state.TakeScriptedFault() ?? directive;
        return (prompt, string.IsNullOrWhiteSpace(spec) ? null : spec);
    }
}
