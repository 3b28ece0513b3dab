package io.wscluster;

import io.wscluster.cluster.NodeInfo;
import io.wscluster.transport.BackendHttp.BackendException;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import io.wscluster.protocol.Futures;

/**
 * Which of the other nodes take connections right now, as their {@code /ready} says. Membership
 * lists a node that died for a whole lease after its last heartbeat (3 s by default); a drain sends
 * hundreds of clients a second, and every one it names a dead node costs a failed connect and a
 * backoff before it lands elsewhere. So a drain asks before each batch: a node that refuses the
 * connection, does not answer within the probe's timeout, or answers 503 (draining, fenced) gets no
 * clients until it answers 200 again. A failure that may be this side's (a certificate this node
 * does not trust) excludes nobody: membership is still the authority.
 */
final class ServingPeers {
    private final Supplier<List<NodeInfo>> others;
    private final Function<URI, CompletionStage<String>> http;
    /** Replaced whole on each check, so that readers see one answer. */
    private volatile Set<String> notServing = Set.of();

    /**
     * @param others the other nodes, as membership lists them
     * @param http   GETs a URL, completing with the body of a 200 answer or failing with a {@link BackendException}
     */
    ServingPeers(Supplier<List<NodeInfo>> others, Function<URI, CompletionStage<String>> http) {
        this.others = others;
        this.http = http;
    }

    /** Asks every other node's {@code /ready} at once; completes (never exceptionally) when all have answered or failed. */
    CompletionStage<Void> check() {
        List<NodeInfo> nodes = others.get();
        Set<String> down = ConcurrentHashMap.newKeySet();
        CompletableFuture<?>[] asked = nodes.stream().filter(n -> n.url() != null)
                .map(n -> http.apply(peerUrl(n, "/ready")).toCompletableFuture().handle((body, e) -> {
                    if (e != null && notServing(e)) {
                        down.add(n.id());
                    }
                    return null;
                }))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(asked).thenRun(() -> notServing = Set.copyOf(down));
    }

    /** The ids of the nodes the last check found not taking connections; one set object per check. */
    Set<String> notServing() {
        return notServing;
    }

    private static boolean notServing(Throwable e) {
        Throwable cause = Futures.cause(e);
        return cause instanceof BackendException b && b.notServing();
    }

    /** A peer's HTTP endpoint on its client listener: {@code ws://host:port/ws} and {@code /ready} give {@code http://host:port/ready}; wss gives https. */
    static URI peerUrl(NodeInfo n, String pathAndQuery) {
        URI ws = URI.create(n.url());
        return URI.create(("wss".equals(ws.getScheme()) ? "https" : "http") + "://" + ws.getRawAuthority() + pathAndQuery);
    }
}
