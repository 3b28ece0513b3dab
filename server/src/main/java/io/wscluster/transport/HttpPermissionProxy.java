package io.wscluster.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.Names;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.security.PermissionProxy;
import io.wscluster.security.Principal;
import io.wscluster.security.RoomPatterns;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.wscluster.protocol.Futures;

/**
 * Asks the application's back end over HTTP: a JSON {@code POST} per question to the configured
 * URL, answered {@code {"allow": true}} or {@code {"allow": false, "reason": "..."}} (a connect may
 * also name the {@code user} and grant {@code rooms} and {@code publish_rooms}). No answer, another
 * status than 200 or a body that says neither is {@code unavailable}: nothing is let through
 * unasked. See docs/security.md for the requests.
 */
public final class HttpPermissionProxy implements PermissionProxy {
    private static final Logger log = LoggerFactory.getLogger(HttpPermissionProxy.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REASON = 200;

    private final BackendHttp http;
    private final URI connectUrl;
    private final URI subscribeUrl;
    private final URI publishUrl;

    /** @param connectUrl etc.: null asks nothing on that event */
    public HttpPermissionProxy(BackendHttp http, URI connectUrl, URI subscribeUrl, URI publishUrl) {
        this.http = http;
        this.connectUrl = connectUrl;
        this.subscribeUrl = subscribeUrl;
        this.publishUrl = publishUrl;
    }

    @Override
    public boolean asksOnConnect() {
        return connectUrl != null;
    }

    @Override
    public boolean asksOnSubscribe() {
        return subscribeUrl != null;
    }

    @Override
    public boolean asksOnPublish() {
        return publishUrl != null;
    }

    @Override
    public CompletionStage<Principal> connect(Principal principal, String session, String remote, Map<String, String> headers) {
        ObjectNode q = question(principal, session);
        q.put("remote", remote);
        ObjectNode h = q.putObject("headers");
        headers.forEach(h::put);
        return ask(connectUrl, "connect", q).thenApply(answer -> principalOf(answer, principal));
    }

    @Override
    public CompletionStage<Void> subscribe(Principal principal, String session, String room) {
        return ask(subscribeUrl, "subscribe", question(principal, session).put("room", room)).thenApply(answer -> null);
    }

    @Override
    public CompletionStage<Void> publish(Principal principal, String session, String room, JsonNode data) {
        ObjectNode q = question(principal, session).put("room", room);
        q.set("data", data);
        return ask(publishUrl, "publish", q).thenApply(answer -> null);
    }

    private static ObjectNode question(Principal principal, String session) {
        ObjectNode q = JSON.createObjectNode();
        q.put("session", session);
        q.put("user", principal.userId());
        return q;
    }

    /** The answer when it allows; fails with {@code forbidden} when it refuses, {@code unavailable} when it says nothing usable. */
    private CompletableFuture<JsonNode> ask(URI url, String event, ObjectNode question) {
        return http.postJson(url, question.toString()).handle((body, error) -> {
            if (error != null) {
                Throwable cause = Futures.cause(error);
                log.debug("{} proxy {}: {}", event, url, cause.getMessage());
                throw unavailable(event, cause.getMessage());
            }
            JsonNode answer;
            try {
                answer = JSON.readTree(body);
            } catch (java.io.IOException e) {
                throw unavailable(event, "its answer is not JSON");
            }
            JsonNode allow = answer == null ? null : answer.get("allow");
            if (allow == null || !allow.isBoolean()) {
                throw unavailable(event, "its answer has no boolean 'allow'");
            }
            if (!allow.booleanValue()) {
                throw new ProtocolException(ErrorCode.FORBIDDEN, "refused by the application: " + reason(answer));
            }
            return answer;
        });
    }

    private static ProtocolException unavailable(String event, String why) {
        return new ProtocolException(ErrorCode.UNAVAILABLE, "the application's " + event + " check did not answer (" + why
                + "); nothing was done");
    }

    private static String reason(JsonNode answer) {
        String reason = answer.path("reason").asText("");
        if (reason.isBlank()) {
            return "no reason given";
        }
        String printable = reason.replaceAll("\\p{Cntrl}", " ");
        return printable.length() > MAX_REASON ? printable.substring(0, MAX_REASON) : printable;
    }

    /** The connection's principal as the back end names it: its user and grants, else as the token said. */
    private static Principal principalOf(JsonNode answer, Principal token) {
        JsonNode user = answer.get("user");
        String id = token.userId();
        if (user != null && !user.isNull()) {
            if (!user.isTextual() || user.textValue().isEmpty() || user.textValue().length() > Names.MAX_ID_LENGTH) {
                throw unavailable("connect", "its 'user' is not a user id");
            }
            id = user.textValue();
        }
        return new Principal(id, token.expiresAtMillis(), patterns(answer, "rooms", token.reads()),
                patterns(answer, "publish_rooms", token.publishes()));
    }

    private static RoomPatterns patterns(JsonNode answer, String field, RoomPatterns otherwise) {
        JsonNode list = answer.get(field);
        if (list == null || list.isNull()) {
            return otherwise;
        }
        ProtocolException notPatterns = unavailable("connect", "its '" + field + "' is not a list of room patterns");
        if (!list.isArray()) {
            throw notPatterns;
        }
        List<String> patterns = new ArrayList<>();
        list.forEach(p -> patterns.add(p.isTextual() ? p.textValue() : "")); // a non-text entry is refused as an empty one
        try {
            return RoomPatterns.of(patterns);
        } catch (IllegalArgumentException e) {
            throw notPatterns;
        }
    }
}
