using System.Globalization;
using StreamHub.Client;

namespace StreamHub.Cli;

/// <summary>
/// Shows a group's traffic: a <c>[requestId]</c> header whenever another request speaks, its text plain, reasoning
/// dimmed, tool calls as they arrive, and a line when each request ends.
/// </summary>
internal sealed class GroupWriter(TextWriter output, Ansi ansi)
{
    private string? _speaking;
    private bool _atLineStart = true;

    public void Write(StreamHubGroupMessage message)
    {
        if (message.Completed)
        {
            Line($"{ansi.Dim}[{message.RequestId}] {(message.Code is null ? "done" : message.Code)}{ansi.Reset}");
            _speaking = null;
        }
        else if (message.Event is { } item)
        {
            if (_speaking != message.RequestId)
            {
                Line($"{ansi.Bold}[{message.RequestId}]{ansi.Reset}");
                _speaking = message.RequestId;
            }

            Event(item);
        }

        output.Flush();
    }

    public void Stop()
    {
        Line($"{ansi.Dim}(stopped following){ansi.Reset}");
        output.Flush();
    }

    private void Event(StreamHubEvent item)
    {
        switch (item.Type)
        {
            case null or "text":
                Text(item.Text);
                break;
            case "reasoning":
                Text($"{ansi.Dim}{item.Text}{ansi.Reset}");
                break;
            case "refusal":
                Text($"{ansi.Red}{item.Text}{ansi.Reset}");
                break;
            case "toolCall":
                Text(item.Name is null ? $"{ansi.Cyan}{item.Arguments}{ansi.Reset}" : $"{ansi.Cyan}⚙ {item.Name} {item.Arguments}{ansi.Reset}");
                break;
            case "finish":
                Line($"{ansi.Dim}(finish: {item.FinishReason}{(item.Model is null ? "" : ", " + item.Model)}){ansi.Reset}");
                break;
            case "usage" when item.Usage is { } usage:
                Line(string.Create(CultureInfo.InvariantCulture, $"{ansi.Dim}(usage: {usage.PromptTokens} in, {usage.CompletionTokens} out){ansi.Reset}"));
                break;
        }
    }

    private void Text(string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            output.Write(text);
            _atLineStart = text.EndsWith('\n');
        }
    }

    private void Line(string text)
    {
        if (!_atLineStart)
        {
            output.WriteLine();
        }

        output.WriteLine(text);
        _atLineStart = true;
    }
}
