package io.wscluster.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Objects;

/**
 * A change in the cluster as announced by the node it concerns: it joined (registered, or
 * registered again after its record was lost), its state changed, or it left in good order. A
 * node that crashes announces nothing: it just disappears from {@link RedisMembership#nodes()}.
 * On the wire: {@code {"type":"join"|"leave"|"update","node":"<id>"}}.
 */
public record MembershipEvent(Type type, String nodeId) {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    public enum Type {
        JOIN, LEAVE, UPDATE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public MembershipEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(nodeId, "nodeId");
    }

    String toJson() {
        return JSON.createObjectNode().put("type", type.wireName()).put("node", nodeId).toString();
    }

    /** Throws {@link IllegalArgumentException} when {@code json} is not an event. */
    static MembershipEvent fromJson(String json) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (o == null || !o.path("type").isTextual() || !o.path("node").isTextual()) {
            throw new IllegalArgumentException("not a membership event: " + json);
        }
        return new MembershipEvent(Type.valueOf(o.get("type").asText().toUpperCase(Locale.ROOT)), o.get("node").asText());
    }
}
