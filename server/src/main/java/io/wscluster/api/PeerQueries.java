package io.wscluster.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.transport.BackendHttp;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import io.wscluster.protocol.Futures;

/**
 * Asks every other node of the cluster, as membership lists it, for one of its operator endpoints,
 * all at once, on its operator listener and with this node's operator key: how a node answers for
 * the whole cluster ({@code scope=cluster}). A node that does not answer in time is listed as
 * missing, with why; the answer never waits on it longer than the probe's timeout.
 */
final class PeerQueries {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the nodes answered, by node id, and why the others did not. */
    record Answers(Map<String, JsonNode> answers, Map<String, String> missing) {
    }

    private final String selfId;
    private final Supplier<List<NodeInfo>> nodes;
    private final BackendHttp http;
    private final String key;

    /** @param key the operator key sent to the other nodes (the api-key, else the admin-key); null on a cluster without keys */
    PeerQueries(String selfId, Supplier<List<NodeInfo>> nodes, BackendHttp http, String key) {
        this.selfId = selfId;
        this.nodes = nodes;
        this.http = http;
        this.key = key;
    }

    /** Every other node's answer to {@code pathAndQuery}, with {@code own}, this node's, under its id. */
    CompletionStage<Answers> ask(String pathAndQuery, JsonNode own) {
        Map<String, JsonNode> answers = new TreeMap<>();
        Map<String, String> missing = new TreeMap<>();
        answers.put(selfId, own);
        List<CompletableFuture<Void>> asked = nodes.get().stream().filter(n -> !n.id().equals(selfId)).map(n -> {
            if (n.adminUrl() == null) {
                synchronized (answers) {
                    missing.put(n.id(), "its operator listener is not known");
                }
                return CompletableFuture.<Void>completedFuture(null);
            }
            return http.get(URI.create(n.adminUrl() + pathAndQuery), key).handle((body, e) -> {
                String why = e != null ? cause(e) : null;
                JsonNode answer = null;
                if (why == null) {
                    try {
                        answer = JSON.readTree(body);
                    } catch (java.io.IOException bad) {
                        why = "answered with something other than JSON";
                    }
                }
                synchronized (answers) {
                    if (why == null) {
                        answers.put(n.id(), answer);
                    } else {
                        missing.put(n.id(), why);
                    }
                }
                return (Void) null;
            });
        }).toList();
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenApply(v -> {
            synchronized (answers) {
                return new Answers(new TreeMap<>(answers), new TreeMap<>(missing));
            }
        });
    }

    private static String cause(Throwable e) {
        Throwable c = Futures.cause(e);
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
