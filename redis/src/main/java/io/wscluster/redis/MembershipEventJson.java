package io.wscluster.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wscluster.cluster.MembershipEvent;
import java.util.Locale;

/** A {@link MembershipEvent} as it travels on the membership channel: {@code {"type":"join","node":"<id>"}}. */
final class MembershipEventJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MembershipEventJson() {
    }

    static String write(MembershipEvent event) {
        return JSON.createObjectNode().put("type", event.type().wireName()).put("node", event.nodeId()).toString();
    }

    /** Throws {@link IllegalArgumentException} when {@code json} is not an event. */
    static MembershipEvent read(String json) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (o == null || !o.path("type").isTextual() || !o.path("node").isTextual()) {
            throw new IllegalArgumentException("not a membership event: " + json);
        }
        return new MembershipEvent(MembershipEvent.Type.valueOf(o.get("type").asText().toUpperCase(Locale.ROOT)),
                o.get("node").asText());
    }
}
