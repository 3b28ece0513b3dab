package io.wscluster.routing;

import io.wscluster.cluster.NodeInfo;
import java.util.List;

/**
 * IP hash, consistent: the client's address on a {@link HashRing} of the candidates, so one client
 * lands on the same node as long as that node takes connections, and a node joining or leaving
 * moves only about 1/N of the clients. Requests without an address fall back to the user id, then
 * the session id, then the first candidate.
 *
 * <p>Example: with nodes [a, b, c], 10.0.0.7 maps to, say, b, on every connection. When d joins,
 * about a quarter of all addresses move to d and no address moves between a, b and c.
 *
 * <p>Use it for stickiness without a registry (no Redis round trip), when clients have stable,
 * diverse addresses; behind NAT many clients share one address and one node.
 */
final class IpHash implements LoadBalancer {
    private volatile Ring ring = new Ring(List.of(), new HashRing(List.of()));

    private record Ring(List<String> ids, HashRing hashRing) {
    }

    @Override
    public NodeInfo pick(List<NodeInfo> candidates, RouteRequest request) {
        String key = request.clientIp() != null ? request.clientIp()
                : request.userId() != null ? request.userId() : request.sessionId();
        if (key == null) {
            return candidates.get(0);
        }
        return byKey(candidates, key);
    }

    /** The candidate owning {@code key} on the ring of the candidates (rebuilt when they change). */
    NodeInfo byKey(List<NodeInfo> candidates, String key) {
        List<String> ids = candidates.stream().map(NodeInfo::id).toList();
        Ring r = ring;
        if (!r.ids().equals(ids)) {
            r = new Ring(ids, new HashRing(ids));
            ring = r;
        }
        String id = r.hashRing().nodeFor(key);
        for (NodeInfo n : candidates) {
            if (n.id().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("ring built from the candidates returned " + id);
    }
}
