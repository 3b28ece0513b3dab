package io.wscluster.security;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A back end asked whether to accept a connection, a subscribe or a publish, after the configured
 * rules allowed it (as Centrifugo's proxies, Phoenix's {@code connect/3} and {@code join/3}). Each
 * answer completes normally to allow, or exceptionally with a {@link
 * io.wscluster.protocol.ProtocolException}: {@code forbidden} when the back end refused (with its
 * reason), {@code unavailable} when it gave no usable answer (down, slow, busy: nothing is let
 * through unasked). Implementations never block the caller.
 */
public interface PermissionProxy {
    /** A proxy that asks nobody: every question is allowed at once. */
    PermissionProxy NONE = new PermissionProxy() {
        @Override
        public boolean asksOnConnect() {
            return false;
        }

        @Override
        public CompletionStage<Principal> connect(Principal principal, String session, String remote, Map<String, String> headers) {
            return CompletableFuture.completedFuture(principal);
        }

        @Override
        public boolean asksOnSubscribe() {
            return false;
        }

        @Override
        public CompletionStage<Void> subscribe(Principal principal, String session, String room) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean asksOnPublish() {
            return false;
        }

        @Override
        public CompletionStage<Void> publish(Principal principal, String session, String room, JsonNode data) {
            return CompletableFuture.completedFuture(null);
        }
    };

    boolean asksOnConnect();

    /**
     * Whether a connection may open; completes with its principal, which the back end may name
     * (a user it authenticated by cookie, the rooms it grants), else {@code principal}.
     *
     * @param headers the request's {@code Cookie}, {@code Origin} and {@code User-Agent}, where sent
     */
    CompletionStage<Principal> connect(Principal principal, String session, String remote, Map<String, String> headers);

    boolean asksOnSubscribe();

    CompletionStage<Void> subscribe(Principal principal, String session, String room);

    boolean asksOnPublish();

    CompletionStage<Void> publish(Principal principal, String session, String room, JsonNode data);
}
