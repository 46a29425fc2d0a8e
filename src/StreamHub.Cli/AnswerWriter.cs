using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace StreamHub.Cli;

/// <summary>
/// Shows an answer as it streams: text plain, reasoning dimmed, each tool call on its own line, and after the
/// end a dimmed line with the model, the tokens and the finish reason. Thread-safe, since progress (queue
/// position, region) arrives on another thread.
/// </summary>
internal sealed class AnswerWriter(TextWriter output, Ansi ansi)
{
    private static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };
    private readonly object _lock = new();
    private bool _reasoning;
    private bool _atLineStart = true;
    private string? _region;
    private UsageDetails? _usage;
    private string? _model;
    private ChatFinishReason? _finish;

    public void Write(ChatResponseUpdate update)
    {
        lock (_lock)
        {
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextReasoningContent reasoning:
                        if (!_reasoning)
                        {
                            output.Write(ansi.Dim);
                            _reasoning = true;
                        }

                        Text(reasoning.Text);
                        break;
                    case TextContent text:
                        EndReasoning(newLine: true);
                        Text(text.Text);
                        break;
                    case FunctionCallContent call:
                        Line($"{ansi.Cyan}⚙ {call.Name}({JsonSerializer.Serialize(call.Arguments, Compact)}){ansi.Reset}");
                        break;
                    case ErrorContent refusal:
                        Line($"{ansi.Red}refusal: {refusal.Message}{ansi.Reset}");
                        break;
                    case UsageContent usage:
                        _usage = usage.Details;
                        break;
                }
            }

            _model = update.ModelId ?? _model;
            _finish = update.FinishReason ?? _finish;
            output.Flush();
        }
    }

    /// <summary>Queue position and region, as the hub reports them.</summary>
    public void Progress(int? queuePosition, string? region)
    {
        lock (_lock)
        {
            _region = region ?? _region;
            if (queuePosition is { } position)
            {
                Line($"{ansi.Dim}queued #{position}{ansi.Reset}");
                output.Flush();
            }
        }
    }

    /// <summary>Ends the answer: a newline, then the summary (or <paramref name="interruption"/>) dimmed.</summary>
    public void Finish(string? interruption = null)
    {
        lock (_lock)
        {
            EndReasoning(newLine: false);
            var parts = new List<string>();
            if (interruption is not null)
            {
                parts.Add(interruption);
            }
            else
            {
                AddSummary(parts);
            }

            if (parts.Count > 0)
            {
                Line($"{ansi.Dim}[{string.Join(" · ", parts)}]{ansi.Reset}");
            }
            else if (!_atLineStart)
            {
                output.WriteLine();
                _atLineStart = true;
            }

            output.Flush();
            (_usage, _model, _finish, _region) = (null, null, null, null);
        }
    }

    private void AddSummary(List<string> parts)
    {
        if (_model is not null)
        {
            parts.Add(_model);
        }

        if (_region is not null)
        {
            parts.Add(_region);
        }

        if (_usage is { } usage)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{usage.InputTokenCount} in, {usage.OutputTokenCount} out"));
        }

        if (_finish is { } finish && finish != ChatFinishReason.Stop)
        {
            parts.Add(finish.Value);
        }
    }

    private void Text(string text)
    {
        if (text.Length > 0)
        {
            output.Write(text);
            _atLineStart = text[^1] == '\n';
        }
    }

    /// <summary>A whole line, started on a fresh line.</summary>
    private void Line(string text)
    {
        EndReasoning(newLine: false);
        if (!_atLineStart)
        {
            output.WriteLine();
        }

        output.WriteLine(text);
        _atLineStart = true;
    }

    private void EndReasoning(bool newLine)
    {
        if (_reasoning)
        {
            output.Write(ansi.Reset);
            _reasoning = false;
            if (newLine && !_atLineStart)
            {
                output.WriteLine();
                _atLineStart = true;
            }
        }
    }
}
