namespace StreamHub.Cli;

/// <summary>
/// Ctrl+C as a command wants it. <see cref="EndsCommand"/>: the first press cancels the whole command (ask, watch,
/// stats). <see cref="EndsAnswer"/>: a press cancels the running answer and the session goes on (chat).
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly bool _endsCommand;
    private readonly Action? _idlePress;
    private readonly object _lock = new();
    private CancellationTokenSource? _current;

    private CtrlC(bool endsCommand, Action? idlePress)
    {
        _endsCommand = endsCommand;
        _idlePress = idlePress;
        if (endsCommand)
        {
            _current = new CancellationTokenSource();
        }

        Console.CancelKeyPress += OnPress;
    }

    /// <summary>The command's token (for <see cref="EndsCommand"/>).</summary>
    public CancellationToken Token => _current?.Token ?? CancellationToken.None;

    public static CtrlC EndsCommand() => new(true, null);

    /// <param name="idlePress">What a press does while no answer runs (a hint on how to quit).</param>
    public static CtrlC EndsAnswer(Action idlePress) => new(false, idlePress);

    /// <summary>A token for the next answer; Ctrl+C cancels it until <see cref="EndAnswer"/>.</summary>
    public CancellationToken BeginAnswer()
    {
        lock (_lock)
        {
            _current = new CancellationTokenSource();
            return _current.Token;
        }
    }

    public void EndAnswer()
    {
        lock (_lock)
        {
            _current?.Dispose();
            _current = null;
        }
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnPress;
        lock (_lock)
        {
            _current?.Dispose();
            _current = null;
        }
    }

    private void OnPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true; // the process stays; the command decides what ends
        CancellationTokenSource? current;
        lock (_lock)
        {
            current = _current;
        }

        if (current is null && !_endsCommand)
        {
            _idlePress?.Invoke();
            return;
        }

        try
        {
            current?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The answer ended as the key was pressed.
        }
    }
}
