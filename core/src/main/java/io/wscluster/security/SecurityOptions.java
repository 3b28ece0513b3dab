package io.wscluster.security;

import io.wscluster.options.Check;

/** Who may connect and who may call the node's API. Immutable; build with {@link #builder()}. */
public final class SecurityOptions {
    public static final SecurityOptions DEFAULT = builder().build();

    private final String jwtSecret;
    /** Null: as the secret says (anonymous only without one). */
    private final Boolean allowAnonymous;
    private final String apiKey;
    private final String adminKey;

    private SecurityOptions(Builder b) {
        jwtSecret = b.jwtSecret;
        allowAnonymous = b.allowAnonymous;
        apiKey = b.apiKey;
        adminKey = b.adminKey;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return builder().jwtSecret(jwtSecret).allowAnonymousOrDerived(allowAnonymous).apiKey(apiKey).adminKey(adminKey);
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

    /** Builder with every default set; an empty secret or key means none. */
    public static final class Builder {
        private String jwtSecret;
        private Boolean allowAnonymous;
        private String apiKey;
        private String adminKey;

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

        public SecurityOptions build() {
            return new SecurityOptions(this);
        }
    }
}
