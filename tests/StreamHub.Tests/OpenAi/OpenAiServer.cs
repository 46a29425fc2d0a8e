using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.OpenAi;

/// <summary>
/// One StreamHub with <see cref="OpenAiTestKit.Settings"/> per test class (a class fixture). The "trickle"
/// tenant may send one request a minute, so in a class that shares this server one test uses it.
/// </summary>
public sealed class OpenAiServer() : SharedStreamHub(OpenAiTestKit.Settings());
