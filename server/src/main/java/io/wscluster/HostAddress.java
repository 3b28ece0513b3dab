package io.wscluster;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/** This host's address on its network, for URLs that other hosts use to reach a node listening on all interfaces. */
final class HostAddress {
    private HostAddress() {
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
