using System.Text;
using StreamHub.Emulator;

namespace StreamHub.Tests.Emulator;

public sealed class EmulatorTextTests
{
    [Fact]
    public void Tokens_KnownPrompt_MatchesPinnedAnswer()
    {
        // Pinned: a hash that changed between processes (string.GetHashCode) or runtimes would break this.
        Assert.Equal(["hub", " on", " Привет", " stream", " who", " who"], EmulatorText.Tokens("hello", 6));
    }

    [Fact]
    public void Tokens_SamePrompt_SameTokens() =>
        Assert.Equal(EmulatorText.Tokens("a prompt", 40), EmulatorText.Tokens("a prompt", 40));

    [Fact]
    public void Tokens_DifferentPrompts_DifferentTokens() =>
        Assert.NotEqual(EmulatorText.Tokens("first prompt", 20), EmulatorText.Tokens("second prompt", 20));

    [Fact]
    public void Tokens_LongerMax_ExtendsShorterAnswer() =>
        Assert.Equal(EmulatorText.Tokens("x", 5), EmulatorText.Tokens("x", 12).Take(5));

    [Fact]
    public void Tokens_AfterFirst_StartWithSpace()
    {
        var tokens = EmulatorText.Tokens("spaces", 30);

        Assert.False(tokens[0].StartsWith(' '));
        Assert.All(tokens.Skip(1), t => Assert.StartsWith(" ", t, StringComparison.Ordinal));
    }

    [Fact]
    public void Tokens_ThreeOrMore_IncludeMultiByteUtf8Word()
    {
        var tokens = EmulatorText.Tokens("anything at all", 3);

        Assert.Contains(tokens, t => Encoding.UTF8.GetByteCount(t) > t.Length);
    }

    [Fact]
    public void Tokens_ZeroMax_Empty() => Assert.Empty(EmulatorText.Tokens("hello", 0));

    [Fact]
    public void Text_Always_ConcatenatesTokens() =>
        Assert.Equal(string.Concat(EmulatorText.Tokens("joined", 9)), EmulatorText.Text("joined", 9));
}
