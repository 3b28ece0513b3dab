package io.wscluster.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One server's view of a Redis Cluster, read from its {@code CLUSTER NODES} answer: a line per
 * node, {@code <id> <ip:port@cport[,hostname]> <flags> <master id or -> <ping> <pong> <epoch>
 * <link> <slot ranges...>}. Slots being imported or migrated ({@code [slot->-id]}) are left out.
 */
record ClusterNodes(List<Node> nodes) {

    /** One node as the server sees it. */
    record Node(String id, int port, Set<String> flags, String masterId, List<int[]> slots) {
        boolean master() {
            return flags.contains("master");
        }

        /** Taken for failed by the cluster ({@code fail}), not only suspected ({@code fail?}) by this server. */
        boolean failed() {
            return flags.contains("fail");
        }

        boolean serves(int slot) {
            return slots.stream().anyMatch(r -> r[0] <= slot && slot <= r[1]);
        }

        @Override
        public String toString() {
            return port + " " + String.join(",", new java.util.TreeSet<>(flags)) + " of " + masterId + " "
                    + slots.stream().map(r -> r[0] + "-" + r[1]).toList();
        }
    }

    static ClusterNodes parse(String answer) {
        List<Node> nodes = new ArrayList<>();
        for (String line : answer.strip().split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length < 8) {
                throw new IllegalArgumentException("not a CLUSTER NODES line: " + line);
            }
            String address = f[1].split("[@,]")[0];
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue;
                }
                String[] range = f[i].split("-");
                int from = Integer.parseInt(range[0]);
                slots.add(new int[] {from, range.length == 2 ? Integer.parseInt(range[1]) : from});
            }
            nodes.add(new Node(f[0], port, Set.of(f[2].split(",")), f[3], List.copyOf(slots)));
        }
        return new ClusterNodes(List.copyOf(nodes));
    }

    /** The master serving {@code slot}, if one does and is not taken for failed. */
    Optional<Node> masterOf(int slot) {
        return nodes.stream().filter(n -> n.master() && !n.failed() && n.serves(slot)).findFirst();
    }

    @Override
    public String toString() {
        return nodes.toString();
    }

    Optional<Node> byPort(int port) {
        return nodes.stream().filter(n -> n.port() == port).findFirst();
    }

    /** The replicas of the master {@code masterId}. */
    List<Node> replicasOf(String masterId) {
        return nodes.stream().filter(n -> masterId.equals(n.masterId())).toList();
    }
}
