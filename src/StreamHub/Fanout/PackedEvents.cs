using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// One request's kept events, packed for the garbage collector: the characters of each text event are copied into
/// blocks (256 characters at first, doubling to 4,096; an array is filled and never resized, so nothing is copied
/// twice), and each event is a slot pointing into them; any other event is kept boxed in its slot. The strings the
/// caller received then die young: a collection finds a request's few blocks alive instead of one string per token,
/// each of which it would otherwise copy into the older generations while the request runs and is retained. Readers
/// get new strings (only watchers read). Not thread-safe: the watch buffer's lock guards it.
/// </summary>
internal sealed class PackedEvents
{
    private const int FirstBlockChars = 256;
    private const int MaxBlockChars = 4096;

    private readonly List<char[]?> _blocks = [];
    private Slot[] _slots = new Slot[16];
    private int _first;
    private int _count;
    private int _used;

    /// <summary>Events kept.</summary>
    public int Count => _count;

    /// <summary>Characters of the blocks still held (what dropping the oldest events gives back).</summary>
    public long BlockChars => _blocks.Sum(block => (long)(block?.Length ?? 0));

    public void Add(CompletionEvent item)
    {
        if (_first + _count == _slots.Length)
        {
            Grow();
        }

        _slots[_first + _count++] = item.Kind == EventKind.Text ? Pack(item.Text ?? "") : new Slot(-1, 0, 0, item);
    }

    /// <summary>The <paramref name="index"/>-th kept event (0: the oldest), its seq not set.</summary>
    public CompletionEvent this[int index]
    {
        get
        {
            var slot = _slots[_first + index];
            return slot.Other is CompletionEvent other ? other : CompletionEvent.TextOf(new string(_blocks[slot.Block]!, slot.Offset, slot.Length));
        }
    }

    /// <summary>Drops the <paramref name="count"/> oldest events, and the blocks only they used.</summary>
    public void DropOldest(int count)
    {
        count = Math.Min(count, _count);
        Array.Clear(_slots, _first, count);
        _first += count;
        _count -= count;

        // Blocks before the oldest kept text's block (all of them when no text is left) hold nothing kept any more.
        var keepFrom = _blocks.Count - 1;
        for (var i = _first; i < _first + _count; i++)
        {
            if (_slots[i].Block >= 0)
            {
                keepFrom = _slots[i].Block;
                break;
            }
        }

        for (var b = 0; b < keepFrom; b++)
        {
            _blocks[b] = null;
        }
    }

    private Slot Pack(string text)
    {
        var last = _blocks.Count - 1;
        if (last < 0 || _blocks[last]!.Length - _used < text.Length)
        {
            var size = Math.Min(MaxBlockChars, FirstBlockChars << Math.Min(_blocks.Count, 4));
            _blocks.Add(new char[Math.Max(size, text.Length)]);
            last++;
            _used = 0;
        }

        text.CopyTo(_blocks[last].AsSpan(_used));
        var slot = new Slot(last, _used, text.Length, null);
        _used += text.Length;
        return slot;
    }

    private void Grow()
    {
        // Dropped slots at the front are reused before the array grows.
        if (_first > 0)
        {
            Array.Copy(_slots, _first, _slots, 0, _count);
            Array.Clear(_slots, _count, _first);
            _first = 0;
            if (_count < _slots.Length)
            {
                return;
            }
        }

        Array.Resize(ref _slots, _slots.Length * 2);
    }

    /// <summary>A text event's place in the blocks, or (Block -1) any other event.</summary>
    private readonly record struct Slot(int Block, int Offset, int Length, object? Other);
}
