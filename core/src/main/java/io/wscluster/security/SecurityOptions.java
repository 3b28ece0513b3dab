package io.wscluster.security;

import io.wscluster.options.Check;

/** Who may connect and who may call the node's API. Immutable; build with {@link #builder()}. */
public final class SecurityOptions {
    public static final boolean DEFAULT_ALLOW_ANONYMOUS = true;
    public static final SecurityOptions DEFAULT = builder().build();

    private final String jwtSecret;
    private final boolean allowAnonymous;
    private final String apiKey;

    private SecurityOptions(Builder b) {
        jwtSecret = b.jwtSecret;
        allowAnonymous = b.allowAnonymous;
        apiKey = b.apiKey;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return builder().jwtSecret(jwtSecret).allowAnonymous(allowAnonymous).apiKey(apiKey);
    }

    /** The HS256 secret of user tokens; null accepts no tokens. */
    public String jwtSecret() { return jwtSecret; }
    /** Whether connections without a token are accepted as anonymous. */
    public boolean allowAnonymous() { return allowAnonymous; }
    /** The key {@code /api/*} and {@code /admin/*} require as a bearer token; null leaves them open. */
    public String apiKey() { return apiKey; }

    /** Builder with every default set; an empty secret or key means none. */
    public static final class Builder {
        private String jwtSecret;
        private boolean allowAnonymous = DEFAULT_ALLOW_ANONYMOUS;
        private String apiKey;

        private Builder() {
        }

        public Builder jwtSecret(String v) { jwtSecret = Check.noneIfEmpty(v); return this; }
        public Builder allowAnonymous(boolean v) { allowAnonymous = v; return this; }
        public Builder apiKey(String v) { apiKey = Check.noneIfEmpty(v); return this; }

        public SecurityOptions build() {
            return new SecurityOptions(this);
        }
    }
}
