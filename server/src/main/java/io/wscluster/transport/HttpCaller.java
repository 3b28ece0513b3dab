package io.wscluster.transport;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who sent an HTTP request, as far as the transport knows: which listener it came in on, and
 * whether it came from this host's loopback (the only place the operator surface is open to
 * without a key).
 *
 * @param operator whether it came in on the operator listener ({@code admin-port}), not the public one
 * @param loopback whether the peer's address is a loopback address (127.0.0.0/8, ::1) and the
 *                 request was not forwarded for someone else
 */
public record HttpCaller(boolean operator, boolean loopback) {
    /**
     * A request that carries {@code X-Forwarded-For} or {@code Forwarded} was relayed by a proxy
     * (the gateway with {@code --forward-api}, a reverse proxy on this host) for a client that may
     * be anywhere: it is not a loopback caller, whatever its peer, so that a proxy on the node's
     * host never opens the keyless loopback surface to the internet. A caller on loopback that adds
     * such a header only gives up its own privilege.
     */
    static HttpCaller of(boolean operator, SocketAddress remote, HttpHeaders headers) {
        boolean forwarded = headers.contains("X-Forwarded-For") || headers.contains("Forwarded");
        return new HttpCaller(operator, !forwarded && remote instanceof InetSocketAddress a && a.getAddress() != null
                && a.getAddress().isLoopbackAddress());
    }
}
