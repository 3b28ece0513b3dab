package io.wscluster.security;

import io.wscluster.options.Check;
import java.time.Duration;
import java.util.Objects;

/** Who may connect and who may call the node's API. Immutable; build with {@link #builder()}. */
public final class SecurityOptions {
    public static final Duration DEFAULT_JWT_LEEWAY = Duration.ZERO;
    public static final ClientReach DEFAULT_CLIENT_SEND = ClientReach.OFF;
    public static final ClientReach DEFAULT_CLIENT_BROADCAST = ClientReach.OFF;
    public static final SecurityOptions DEFAULT = builder().build();

    private final String jwtSecret;
    /** Null: as the secret says (anonymous only without one). */
    private final Boolean allowAnonymous;
    private final String apiKey;
    private final String adminKey;
    private final Duration jwtLeeway;
    private final String jwtIssuer;
    private final String jwtAudience;
    private final ClientReach clientSend;
    private final ClientReach clientBroadcast;

    private SecurityOptions(Builder b) {
        jwtSecret = b.jwtSecret;
        allowAnonymous = b.allowAnonymous;
        apiKey = b.apiKey;
        adminKey = b.adminKey;
        jwtLeeway = b.jwtLeeway;
        jwtIssuer = b.jwtIssuer;
        jwtAudience = b.jwtAudience;
        clientSend = b.clientSend;
        clientBroadcast = b.clientBroadcast;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return builder().jwtSecret(jwtSecret).allowAnonymousOrDerived(allowAnonymous).apiKey(apiKey).adminKey(adminKey)
                .jwtLeeway(jwtLeeway).jwtIssuer(jwtIssuer).jwtAudience(jwtAudience)
                .clientSend(clientSend).clientBroadcast(clientBroadcast);
    }

    /** The HS256 secret of user tokens; null accepts no tokens. */
    public String jwtSecret() { return jwtSecret; }
    /**
     * Whether connections without a token are accepted as anonymous: as set, else only when no
     * token secret is configured (a node that verifies tokens wants them unless told otherwise).
     */
    public boolean allowAnonymous() { return allowAnonymous != null ? allowAnonymous : jwtSecret == null; }
    /**
     * The bearer key of the publish API ({@code /api/publish}, {@code send}, {@code broadcast}) and
     * of the read-only operator endpoints; null: only callers on loopback may use them.
     */
    public String apiKey() { return apiKey; }
    /**
     * The bearer key of {@code /admin/*} (drain, shed), which the read-only operator endpoints
     * accept too; null: only callers on loopback may use them.
     */
    public String adminKey() { return adminKey; }
    /** Clock skew tolerated on a token's {@code exp}, {@code nbf} and {@code iat}. */
    public Duration jwtLeeway() { return jwtLeeway; }
    /** The {@code iss} every token must carry; null: not checked. */
    public String jwtIssuer() { return jwtIssuer; }
    /** An {@code aud} every token must include; null: not checked. */
    public String jwtAudience() { return jwtAudience; }
    /** Which clients may {@code send} to any user (the HTTP and embedding APIs always may). */
    public ClientReach clientSend() { return clientSend; }
    /** Which clients may {@code broadcast} to everyone (the HTTP and embedding APIs always may). */
    public ClientReach clientBroadcast() { return clientBroadcast; }

    /** Builder with every default set; an empty secret or key means none. */
    public static final class Builder {
        private String jwtSecret;
        private Boolean allowAnonymous;
        private String apiKey;
        private String adminKey;
        private Duration jwtLeeway = DEFAULT_JWT_LEEWAY;
        private String jwtIssuer;
        private String jwtAudience;
        private ClientReach clientSend = DEFAULT_CLIENT_SEND;
        private ClientReach clientBroadcast = DEFAULT_CLIENT_BROADCAST;

        private Builder() {
        }

        /** Null: none. An empty or blank secret is refused: it would make every token forgeable. */
        public Builder jwtSecret(String v) {
            Check.setting(v == null || !v.isBlank(), "jwt-secret", v, "a secret (an empty one would sign any token)");
            jwtSecret = v;
            return this;
        }

        public Builder allowAnonymous(boolean v) { allowAnonymous = v; return this; }

        private Builder allowAnonymousOrDerived(Boolean v) { allowAnonymous = v; return this; }
        public Builder apiKey(String v) { apiKey = Check.noneIfEmpty(v); return this; }
        public Builder adminKey(String v) { adminKey = Check.noneIfEmpty(v); return this; }
        public Builder jwtIssuer(String v) { jwtIssuer = Check.noneIfEmpty(v); return this; }
        public Builder jwtAudience(String v) { jwtAudience = Check.noneIfEmpty(v); return this; }
        public Builder clientSend(ClientReach v) { clientSend = Objects.requireNonNull(v, "client-send"); return this; }
        public Builder clientBroadcast(ClientReach v) { clientBroadcast = Objects.requireNonNull(v, "client-broadcast"); return this; }

        public Builder jwtLeeway(Duration v) {
            Check.setting(v != null && !v.isNegative() && v.toSeconds() <= 600, "jwt-leeway", v, "0s to 10m");
            jwtLeeway = v;
            return this;
        }

        public SecurityOptions build() {
            return new SecurityOptions(this);
        }
    }
}
