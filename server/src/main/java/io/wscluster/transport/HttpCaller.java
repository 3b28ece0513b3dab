package io.wscluster.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who sent an HTTP request, as far as the transport knows: which listener it came in on, and
 * whether it came from this host's loopback (the only place the operator surface is open to
 * without a key).
 *
 * @param operator whether it came in on the operator listener ({@code admin-port}), not the public one
 * @param loopback whether the peer's address is a loopback address (127.0.0.0/8, ::1)
 */
public record HttpCaller(boolean operator, boolean loopback) {
    static HttpCaller of(boolean operator, SocketAddress remote) {
        return new HttpCaller(operator, remote instanceof InetSocketAddress a && a.getAddress() != null
                && a.getAddress().isLoopbackAddress());
    }
}
