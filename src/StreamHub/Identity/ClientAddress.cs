using System.Net;
using System.Net.Sockets;

namespace StreamHub.Identity;

/// <summary>
/// The address anonymous callers' limits are pooled by: the connection's remote address as ASP.NET Core reports
/// it (a proxy's <c>X-Forwarded-For</c> counts only when the operator configures the forwarded-headers
/// middleware). IPv6 callers are pooled by their /64, the block one host or home usually holds, so a caller
/// cannot get fresh limits by changing the low bits of its address.
/// </summary>
internal static class ClientAddress
{
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
