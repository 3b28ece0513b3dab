package io.wscluster.security;

import io.wscluster.options.Check;

/** Who may connect and who may call the node's API. Immutable; build with {@link #builder()}. */
public final class SecurityOptions {
    public static final boolean DEFAULT_ALLOW_ANONYMOUS = true;
    public static final SecurityOptions DEFAULT = builder().build();

    private final String jwtSecret;
    private final boolean allowAnonymous;
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
        return builder().jwtSecret(jwtSecret).allowAnonymous(allowAnonymous).apiKey(apiKey).adminKey(adminKey);
    }

    /** The HS256 secret of user tokens; null accepts no tokens. */
    public String jwtSecret() { return jwtSecret; }
    /** Whether connections without a token are accepted as anonymous. */
    public boolean allowAnonymous() { return allowAnonymous; }
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
        private boolean allowAnonymous = DEFAULT_ALLOW_ANONYMOUS;
        private String apiKey;
        private String adminKey;

        private Builder() {
        }

        public Builder jwtSecret(String v) { jwtSecret = Check.noneIfEmpty(v); return this; }
        public Builder allowAnonymous(boolean v) { allowAnonymous = v; return this; }
        public Builder apiKey(String v) { apiKey = Check.noneIfEmpty(v); return this; }
        public Builder adminKey(String v) { adminKey = Check.noneIfEmpty(v); return this; }

        public SecurityOptions build() {
            return new SecurityOptions(this);
        }
    }
}
