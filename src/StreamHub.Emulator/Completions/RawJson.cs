using System.Buffers;
using System.Text;
using System.Text.Json;

namespace StreamHub.Emulator.Completions;

/// <summary>
/// Writes strings as raw UTF-8. Utf8JsonWriter escapes every character outside the BMP (and, by default,
/// all non-ASCII), which would hide the multi-byte sequences a gateway's decoder must cope with.
/// </summary>
internal static class RawJson
{
    public static void WriteString(Utf8JsonWriter writer, string propertyName, string value)
    {
        writer.WritePropertyName(propertyName);
        WriteStringValue(writer, value);
    }

    public static void WriteStringValue(Utf8JsonWriter writer, string value)
    {
        if (NeedsEscaping(value))
        {
            writer.WriteStringValue(value);
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length) + 2;
        byte[]? rented = null;
        var buffer = max <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(max));
        buffer[0] = (byte)'"';
        var length = Encoding.UTF8.GetBytes(value, buffer[1..]);
        buffer[length + 1] = (byte)'"';
        writer.WriteRawValue(buffer[..(length + 2)], skipInputValidation: true);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool NeedsEscaping(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x20 || c == '"' || c == '\\' || c == 0x7F)
            {
                return true;
            }

            // A lone surrogate would become U+FFFD in UTF-8; let the writer deal with it properly.
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return true;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }
}
