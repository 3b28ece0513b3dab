package io.wscluster.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletionStage;

/**
 * Handles an application-defined op. Runs on the session's event loop and must not block: do slow
 * work elsewhere and complete the stage later. The stage's value becomes the {@code data} of a
 * {@code {"op":"reply","id":i,"data":...}} frame (null sends no reply); completing it exceptionally
 * with a {@link io.wscluster.protocol.ProtocolException} sends that error, anything else {@code
 * internal}.
 */
@FunctionalInterface
public interface OpHandler {
    CompletionStage<JsonNode> handle(Session session, ObjectNode frame);
}
