package io.wscluster.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Alerts as JSON: a node's report for {@code GET /api/alerts}, and one transition as published on the bus. */
public final class AlertsJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertsJson() {
    }

    /** The rules of {@code alerts}, what fires now and the recent transitions, newest first. */
    public static ObjectNode report(String nodeId, Alerts alerts) {
        ObjectNode out = JSON.createObjectNode().put("node", nodeId);
        ArrayNode rules = out.putArray("rules");
        alerts.rules().forEach(r -> rules.addObject().put("alert", r.name()).put("expression", r.expression())
                .put("severity", r.severity().wireName()));
        ArrayNode firing = out.putArray("firing");
        alerts.firing().forEach(f -> rule(firing.addObject().put("node", nodeId), f.rule()).put("value", f.value())
                .put("since", f.sinceMillis()));
        ArrayNode recent = out.putArray("recent");
        var list = alerts.recent();
        for (int i = list.size() - 1; i >= 0; i--) {
            recent.add(transition(nodeId, list.get(i)));
        }
        return out;
    }

    /** One rule firing or resolving on {@code nodeId}. */
    public static ObjectNode transition(String nodeId, Alerts.Transition t) {
        return rule(JSON.createObjectNode().put("node", nodeId), t.rule()).put("state", t.state()).put("value", t.value())
                .put("at", t.atMillis());
    }

    private static ObjectNode rule(ObjectNode out, AlertRule r) {
        return out.put("alert", r.name()).put("severity", r.severity().wireName()).put("figure", r.figure().wireName())
                .put("threshold", r.threshold()).put("expression", r.expression());
    }
}
