package io.wscluster.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import java.util.Locale;

/**
 * A {@link NodeInfo} as JSON, one shape everywhere: a node of {@code GET /api/cluster} and a
 * record in a membership registry have the same fields ({@code id, url, region, state,
 * connections, capacity, cpu, memory, messages_in_per_sec, messages_out_per_sec, error_rate,
 * started_at, admin_url}), so
 * an operator reading Redis sees what the API shows. Thread-safe.
 */
public final class NodeInfoJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private NodeInfoJson() {
    }

    public static String write(NodeInfo n) {
        return toJson(n).toString();
    }

    /** The node as a JSON object; fractions and rates rounded to three decimals. */
    public static ObjectNode toJson(NodeInfo n) {
        return MAPPER.createObjectNode()
                .put("id", n.id())
                .put("url", n.url())
                .put("region", n.region())
                .put("state", n.state().wireName())
                .put("connections", n.connections())
                .put("capacity", n.capacity())
                .put("cpu", round(n.cpu()))
                .put("memory", round(n.memory()))
                .put("messages_in_per_sec", round(n.messagesInPerSec()))
                .put("messages_out_per_sec", round(n.messagesOutPerSec()))
                .put("error_rate", round(n.errorRate()))
                .put("started_at", n.startedAtMillis())
                .put("admin_url", n.adminUrl());
    }

    /** Three decimals: what a person or a balancer needs of a load figure. */
    public static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Throws {@link IllegalArgumentException} when {@code json} is not a node record. */
    public static NodeInfo read(String json) {
        JsonNode o;
        try {
            o = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (o == null || !o.isObject() || !o.path("id").isTextual() || !o.path("state").isTextual()) {
            throw new IllegalArgumentException("not a node record: " + json);
        }
        return new NodeInfo(o.get("id").asText(), text(o, "url"), text(o, "region"),
                NodeState.valueOf(o.get("state").asText().toUpperCase(Locale.ROOT)),
                o.path("connections").asInt(), o.path("capacity").asInt(),
                o.path("cpu").asDouble(), o.path("memory").asDouble(),
                o.path("messages_in_per_sec").asDouble(), o.path("messages_out_per_sec").asDouble(),
                o.path("error_rate").asDouble(), o.path("started_at").asLong(), text(o, "admin_url"));
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
