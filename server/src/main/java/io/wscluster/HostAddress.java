package io.wscluster;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;

/** This host's address on its network, for URLs that other hosts use to reach a node listening on all interfaces. */
final class HostAddress {
    private HostAddress() {
    }

    /**
     * The host part of a URL reaching a listener bound to {@code bound}: for a wildcard address (any
     * spelling of {@code 0.0.0.0} or {@code ::}) this host's address on its network, since others
     * cannot reach its loopback; an IPv6 literal in brackets, once ({@code ::1} and {@code [::1]}
     * alike give {@code [::1]}); a name or an IPv4 address as it is.
     */
    static String inUrl(String bound) {
        String bare = bound.length() > 1 && bound.startsWith("[") && bound.endsWith("]") ? bound.substring(1, bound.length() - 1) : bound;
        if (isWildcard(bare)) {
            return onNetwork();
        }
        return bare.contains(":") ? "[" + bare + "]" : bare;
    }

    /** Whether {@code host} is an IP literal of the wildcard address; a name is never looked up. */
    private static boolean isWildcard(String host) {
        if (!host.contains(":") && !host.matches("[0-9.]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The first IPv4 address of an interface that is up and not loopback (a private one first), else {@code 127.0.0.1}. */
    static String onNetwork() {
        String any = null;
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        if (a.isSiteLocalAddress()) {
                            return a.getHostAddress();
                        }
                        any = any == null ? a.getHostAddress() : any;
                    }
                }
            }
        } catch (SocketException e) {
            // no interfaces to ask: loopback below
        }
        return any != null ? any : "127.0.0.1";
    }
}
