package io.wscluster.gateway;

import io.netty.util.NetUtil;
import io.wscluster.cluster.NodeInfo;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where the gateway sends a forwarded {@code /api/*} request: the node's operator listener, the
 * {@code admin_url} it reports in membership (its public listener answers 404 to operator paths).
 * A node keeps that listener on its own loopback by default ({@code admin-host}); the gateway can
 * reach it there only when it runs on the node's host, which it knows when the node's public URL
 * names loopback or one of this host's addresses. Elsewhere (another host, or a host name it
 * cannot tell from its own without a DNS lookup) the node's loopback would be the gateway's own:
 * it says so instead of reaching whatever listens there.
 */
final class OperatorAddress {
    /** This host's addresses, read once at start. */
    private final Set<InetAddress> thisHost;

    OperatorAddress() {
        this.thisHost = localAddresses();
    }

    /** A node's operator listener, or why the gateway cannot reach it. */
    record Target(URI uri, String problem) {
    }

    Target of(NodeInfo node) {
        URI admin;
        try {
            admin = node.adminUrl() == null ? null : URI.create(node.adminUrl());
        } catch (IllegalArgumentException e) {
            admin = null;
        }
        if (admin == null || admin.getHost() == null) {
            return new Target(null, "node " + node.id() + " reports no operator listener the gateway could forward /api/* to");
        }
        if (loopback(admin.getHost()) && !onThisHost(node.url())) {
            return new Target(null, "node " + node.id() + " serves /api/* on its own loopback only (admin-host), which this gateway"
                    + " does not share: give the nodes an admin-host the gateway reaches, with an api-key");
        }
        return new Target(admin, null);
    }

    private boolean onThisHost(String nodeUrl) {
        String host;
        try {
            host = URI.create(nodeUrl).getHost();
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
        if (host == null) {
            return false;
        }
        if (loopback(host)) {
            return true;
        }
        InetAddress literal = literal(host);
        return literal != null && thisHost.contains(literal);
    }

    private static boolean loopback(String host) {
        if ("localhost".equalsIgnoreCase(host)) {
            return true;
        }
        InetAddress literal = literal(host);
        return literal != null && literal.isLoopbackAddress();
    }

    /** The address an IP literal names ({@code [::1]} too), without a DNS lookup; null for a host name. */
    private static InetAddress literal(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(bare);
        try {
            return bytes == null ? null : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static Set<InetAddress> localAddresses() {
        try {
            return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                    .map(OperatorAddress::withoutScope).collect(Collectors.toUnmodifiableSet());
        } catch (SocketException e) {
            return Set.of(); // no interfaces to ask: only loopback URLs count as this host
        }
    }

    /** An IPv6 address as a literal names it, without its interface scope ({@code fe80::1%eth0}). */
    private static InetAddress withoutScope(InetAddress a) {
        try {
            return InetAddress.getByAddress(a.getAddress());
        } catch (UnknownHostException e) {
            return a;
        }
    }
}
