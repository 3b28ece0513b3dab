package io.wscluster.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.security.Bearer;
import io.wscluster.transport.HttpCaller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Who may use which endpoint. The public listener serves only what clients need; the operator
 * listener serves everything, each endpoint behind the keys of its kind. Without a key for a
 * kind, only callers on loopback may use it: nothing that changes the cluster or injects messages
 * is reachable from elsewhere without a credential, whatever {@code admin-host} is.
 */
final class OperatorAccess {
    /** What an endpoint is, for access. */
    enum Kind {
        /** Health, readiness: on both listeners, open. */
        CLIENT,
        /** The demo page and the cluster view it shows: on the public listener when the page is on. */
        PAGE,
        /** Read-only operator endpoints (cluster, failovers, route): api-key or admin-key. */
        READ,
        /** Metrics: open to a scraper on loopback, else as {@link #READ}. */
        METRICS,
        /** Injecting messages (publish, send, broadcast): api-key. */
        PUBLISH,
        /** Changing the cluster (drain, shed): admin-key. */
        ADMIN
    }

    private final byte[] apiKey;
    private final byte[] adminKey;
    private final boolean page;

    OperatorAccess(String apiKey, String adminKey, boolean page) {
        this.apiKey = bytes(apiKey);
        this.adminKey = bytes(adminKey);
        this.page = page;
    }

    /** Whether an endpoint of this kind exists for {@code caller}: the public listener hides the operator surface. */
    boolean visible(Kind kind, HttpCaller caller) {
        return caller.operator() || kind == Kind.CLIENT || kind == Kind.PAGE && page;
    }

    /**
     * Throws {@code unauthorized} (401) when a key is configured for {@code kind} and the request
     * does not carry one of them, and {@code forbidden} (403) when none is and the caller is not on
     * loopback.
     */
    void check(Kind kind, HttpHeaders headers, HttpCaller caller) {
        if (!caller.operator() || kind == Kind.CLIENT || kind == Kind.METRICS && caller.loopback()) {
            return;
        }
        byte[] first = kind == Kind.ADMIN ? adminKey : apiKey;
        byte[] second = kind == Kind.PUBLISH || kind == Kind.ADMIN ? null : adminKey;
        if (first == null && second == null) {
            if (!caller.loopback()) {
                throw new ProtocolException(ErrorCode.FORBIDDEN, "this endpoint answers callers on loopback only; set "
                        + (kind == Kind.ADMIN ? "admin-key" : "api-key") + " on the node to use it from elsewhere");
            }
            return;
        }
        byte[] given = bearer(headers);
        // Both compared, in constant time each, so that the answer's timing says nothing of either key.
        boolean ok = matches(first, given) | matches(second, given);
        if (!ok) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "missing or wrong key: send Authorization: Bearer <"
                    + (kind == Kind.ADMIN ? "admin key" : kind == Kind.PUBLISH ? "api key" : "api key or admin key") + ">");
        }
    }

    private static boolean matches(byte[] key, byte[] given) {
        return key != null && given != null && MessageDigest.isEqual(key, given);
    }

    /**
     * The key of {@code Authorization: Bearer <key>}, or the password of {@code Basic}, which is
     * what a browser sends once its operator typed the key at its prompt (any user name).
     */
    private static byte[] bearer(HttpHeaders headers) {
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            try {
                String pair = new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                return colon < 0 ? null : bytes(pair.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return bytes(Bearer.credential(authorization));
    }

    private static final String BASIC = "Basic ";

    /** What asks a browser for the key: its prompt's realm. */
    static final String CHALLENGE = "Basic realm=\"wscluster operator\", charset=\"UTF-8\"";

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
