package io.wscluster.gateway;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The relayed connections by node, so that a node's clients can all be sent away at once. Thread-safe. */
final class Links {
    private final Map<String, Set<NodeLink>> byNode = new ConcurrentHashMap<>();

    void add(NodeLink link) {
        byNode.computeIfAbsent(link.nodeId(), id -> ConcurrentHashMap.newKeySet()).add(link);
    }

    void remove(NodeLink link) {
        Set<NodeLink> links = byNode.get(link.nodeId());
        if (links != null) {
            links.remove(link);
        }
    }

    /** Closes every client of {@code nodeId} with 1012; returns how many. */
    int failNode(String nodeId) {
        Set<NodeLink> links = byNode.remove(nodeId);
        if (links == null) {
            return 0;
        }
        links.forEach(NodeLink::nodeFailed);
        return links.size();
    }

    /** Closes every relayed connection, the clients with {@code code} (the gateway is stopping). */
    void closeAll(int code, String reason) {
        byNode.values().forEach(links -> links.forEach(l -> l.closeBoth(code, reason)));
    }

    int count() {
        int n = 0;
        for (Set<NodeLink> links : byNode.values()) {
            n += links.size();
        }
        return n;
    }

    int count(String nodeId) {
        Set<NodeLink> links = byNode.get(nodeId);
        return links == null ? 0 : links.size();
    }
}
