package io.wscluster.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import java.util.Locale;

/**
 * A {@link NodeInfo} as stored in the registry: the same field names as a node of
 * {@code GET /api/cluster} ({@code id, url, region, state, connections, capacity, cpu, memory,
 * messages_in_per_sec, messages_out_per_sec, started_at}), so an operator reading Redis sees what
 * the API shows. Thread-safe.
 */
final class NodeInfoJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private NodeInfoJson() {
    }

    static String write(NodeInfo n) {
        ObjectNode o = MAPPER.createObjectNode()
                .put("id", n.id())
                .put("url", n.url())
                .put("region", n.region())
                .put("state", n.state().wireName())
                .put("connections", n.connections())
                .put("capacity", n.capacity())
                .put("cpu", n.cpu())
                .put("memory", n.memory())
                .put("messages_in_per_sec", n.messagesInPerSec())
                .put("messages_out_per_sec", n.messagesOutPerSec())
                .put("started_at", n.startedAtMillis());
        return o.toString();
    }

    /** Throws {@link IllegalArgumentException} when {@code json} is not a node record. */
    static NodeInfo read(String json) {
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
                o.path("started_at").asLong());
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }
}
