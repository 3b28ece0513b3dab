package io.wscluster.failover;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link FailoverRecord} as JSON, one shape in Redis and in {@code GET /api/failovers}:
 * {@code id, failed_node, coordinator, strategy, sessions_moved, targets, started_at, ended_at, outcome}.
 */
public final class FailoverRecordJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FailoverRecordJson() {
    }

    public static ObjectNode toJson(FailoverRecord r) {
        ObjectNode o = MAPPER.createObjectNode()
                .put("id", r.id())
                .put("failed_node", r.failedNode())
                .put("coordinator", r.coordinator())
                .put("strategy", r.strategy())
                .put("sessions_moved", r.sessionsMoved());
        ObjectNode t = o.putObject("targets");
        r.targets().forEach(t::put);
        return o.put("started_at", r.startedAtMillis()).put("ended_at", r.endedAtMillis()).put("outcome", r.outcome());
    }

    /** Throws {@link IllegalArgumentException} when {@code json} is not a failover record. */
    public static FailoverRecord read(String json) {
        JsonNode o;
        try {
            o = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (o == null || !o.path("id").isTextual()) {
            throw new IllegalArgumentException("not a failover record: " + json);
        }
        Map<String, Integer> targets = new HashMap<>();
        o.path("targets").fields().forEachRemaining(e -> targets.put(e.getKey(), e.getValue().asInt()));
        return new FailoverRecord(o.get("id").asText(), o.path("failed_node").asText(), o.path("coordinator").asText(),
                o.path("strategy").asText(), o.path("sessions_moved").asInt(), targets, o.path("started_at").asLong(),
                o.path("ended_at").asLong(), o.path("outcome").asText());
    }
}
