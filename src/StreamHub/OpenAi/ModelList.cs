namespace StreamHub.OpenAi;

/// <summary>The <c>/v1/models</c> answer.</summary>
internal sealed record ModelList(string Object, IReadOnlyList<ModelCard> Data);
