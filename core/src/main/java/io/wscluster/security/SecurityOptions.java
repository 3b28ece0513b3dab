package io.wscluster.security;

import io.wscluster.options.Check;
import java.net.URI;
import java.security.PublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who may connect, what clients may do to rooms, and who may call the node's API. Immutable; build
 * with {@link #builder()}.
 */
public final class SecurityOptions {
    public static final Duration DEFAULT_JWT_LEEWAY = Duration.ZERO;
    public static final Duration DEFAULT_JWKS_REFRESH = Duration.ofHours(1);
    public static final ClientReach DEFAULT_CLIENT_SEND = ClientReach.OFF;
    public static final ClientReach DEFAULT_CLIENT_BROADCAST = ClientReach.OFF;
    public static final RoomAccess DEFAULT_ROOM_SUBSCRIBE = RoomAccess.ANYONE;
    public static final RoomAccess DEFAULT_ROOM_PUBLISH = RoomAccess.GRANTED;
    public static final RoomAccess DEFAULT_ROOM_PRESENCE = RoomAccess.AUTHENTICATED;
    public static final Duration DEFAULT_PROXY_TIMEOUT = Duration.ofSeconds(1);
    public static final int DEFAULT_PROXY_MAX_IN_FLIGHT = 1000;
    public static final SecurityOptions DEFAULT = builder().build();

    private final JwtOptions jwt;
    private final Duration jwksRefresh;
    /** Null: as the keys say (anonymous only without any). */
    private final Boolean allowAnonymous;
    private final String apiKey;
    private final String adminKey;
    private final ClientReach clientSend;
    private final ClientReach clientBroadcast;
    private final RoomAccess roomSubscribe;
    private final RoomAccess roomPublish;
    /** Null: as {@link #roomSubscribe}. */
    private final RoomAccess roomHistory;
    private final RoomAccess roomPresence;
    private final OverflowPolicy overflow;
    private final List<NamespaceSpec> namespaces;
    private final URI proxyConnectUrl;
    private final URI proxySubscribeUrl;
    private final URI proxyPublishUrl;
    private final Duration proxyTimeout;
    private final int proxyMaxInFlight;
    private final ClientLimits clientLimits;
    private final AddressLimits addressLimits;
    private final UserLimits userLimits;

    private SecurityOptions(Builder b) {
        jwt = b.jwt;
        jwksRefresh = b.jwksRefresh;
        allowAnonymous = b.allowAnonymous;
        apiKey = b.apiKey;
        adminKey = b.adminKey;
        clientSend = b.clientSend;
        clientBroadcast = b.clientBroadcast;
        roomSubscribe = b.roomSubscribe;
        roomPublish = b.roomPublish;
        roomHistory = b.roomHistory;
        roomPresence = b.roomPresence;
        overflow = b.overflow;
        namespaces = List.copyOf(b.namespaces.values());
        proxyConnectUrl = b.proxyConnectUrl;
        proxySubscribeUrl = b.proxySubscribeUrl;
        proxyPublishUrl = b.proxyPublishUrl;
        proxyTimeout = b.proxyTimeout;
        proxyMaxInFlight = b.proxyMaxInFlight;
        clientLimits = new ClientLimits(b.maxSubscriptions, b.clientPublishRate, b.clientPublishBytes, b.clientRoomsPerMinute,
                b.maxPendingRequests);
        addressLimits = b.addressLimits;
        userLimits = b.userLimits;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = builder();
        b.jwt = jwt;
        b.jwksRefresh = jwksRefresh;
        b.allowAnonymous = allowAnonymous;
        b.apiKey = apiKey;
        b.adminKey = adminKey;
        b.clientSend = clientSend;
        b.clientBroadcast = clientBroadcast;
        b.roomSubscribe = roomSubscribe;
        b.roomPublish = roomPublish;
        b.roomHistory = roomHistory;
        b.roomPresence = roomPresence;
        b.overflow = overflow;
        b.namespaces(namespaces);
        b.proxyConnectUrl = proxyConnectUrl;
        b.proxySubscribeUrl = proxySubscribeUrl;
        b.proxyPublishUrl = proxyPublishUrl;
        b.proxyTimeout = proxyTimeout;
        b.proxyMaxInFlight = proxyMaxInFlight;
        b.maxSubscriptions = clientLimits.maxSubscriptions();
        b.clientPublishRate = clientLimits.publishRate();
        b.clientPublishBytes = clientLimits.publishBytesRate();
        b.addressLimits = addressLimits;
        b.userLimits = userLimits;
        b.clientRoomsPerMinute = clientLimits.roomsPerMinute();
        b.maxPendingRequests = clientLimits.maxPending();
        return b;
    }

    /** How user tokens are verified; {@link JwtOptions#enabled()} false accepts no tokens. */
    public JwtOptions jwt() { return jwt; }
    /** How often the JWKS keys are fetched again (an unknown {@code kid} also asks, at most every 10 s). */
    public Duration jwksRefresh() { return jwksRefresh; }
    /**
     * Whether connections without a token are accepted as anonymous: as set, else only when no
     * token key is configured (a node that verifies tokens wants them unless told otherwise).
     */
    public boolean allowAnonymous() { return allowAnonymous != null ? allowAnonymous : !jwt.enabled(); }
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
    /** Which clients may {@code send} to any user (the HTTP and embedding APIs always may). */
    public ClientReach clientSend() { return clientSend; }
    /** Which clients may {@code broadcast} to everyone (the HTTP and embedding APIs always may). */
    public ClientReach clientBroadcast() { return clientBroadcast; }

    /** Where the application is asked whether a connection may open; null: not asked. */
    public URI proxyConnectUrl() { return proxyConnectUrl; }
    /** Where the application is asked whether a client may subscribe (after the rules allowed it); null: not asked. */
    public URI proxySubscribeUrl() { return proxySubscribeUrl; }
    /** Where the application is asked whether a client may publish (after the rules allowed it); null: not asked. */
    public URI proxyPublishUrl() { return proxyPublishUrl; }
    /** Longest the application is waited for; then the request is refused as {@code unavailable}. */
    public Duration proxyTimeout() { return proxyTimeout; }
    /** Questions to the application at once at most; beyond, requests are refused as {@code unavailable}. */
    public int proxyMaxInFlight() { return proxyMaxInFlight; }

    /** What one connection may do: subscriptions, and messages and bytes written a second. */
    public ClientLimits clientLimits() { return clientLimits; }
    /** What one source address may open: connections at once and new connections a second, and the addresses exempt. */
    public AddressLimits addressLimits() { return addressLimits; }
    /** What one user may do on the node over all its connections: connections at once and writes a second. */
    public UserLimits userLimits() { return userLimits; }

    /** The rules of rooms: the default namespace's from the {@code room-*} settings, and each configured namespace. */
    public RoomPolicy roomPolicy() {
        Namespace defaults = new Namespace("", roomSubscribe, roomPublish, roomHistory != null ? roomHistory : roomSubscribe,
                roomPresence, true, null, null, null, overflow);
        Map<String, Namespace> named = new LinkedHashMap<>();
        for (NamespaceSpec spec : namespaces) {
            named.put(spec.name(), spec.resolve(defaults));
        }
        return new RoomPolicy(defaults, named);
    }

    /** Builder with every default set; an empty secret or key means none. */
    public static final class Builder {
        private JwtOptions jwt = JwtOptions.NONE.withLeeway(DEFAULT_JWT_LEEWAY);
        private Duration jwksRefresh = DEFAULT_JWKS_REFRESH;
        private Boolean allowAnonymous;
        private String apiKey;
        private String adminKey;
        private ClientReach clientSend = DEFAULT_CLIENT_SEND;
        private ClientReach clientBroadcast = DEFAULT_CLIENT_BROADCAST;
        private RoomAccess roomSubscribe = DEFAULT_ROOM_SUBSCRIBE;
        private RoomAccess roomPublish = DEFAULT_ROOM_PUBLISH;
        private RoomAccess roomHistory;
        private RoomAccess roomPresence = DEFAULT_ROOM_PRESENCE;
        private OverflowPolicy overflow = OverflowPolicy.DISCONNECT;
        private final Map<String, NamespaceSpec> namespaces = new LinkedHashMap<>();
        private URI proxyConnectUrl;
        private URI proxySubscribeUrl;
        private URI proxyPublishUrl;
        private Duration proxyTimeout = DEFAULT_PROXY_TIMEOUT;
        private int proxyMaxInFlight = DEFAULT_PROXY_MAX_IN_FLIGHT;
        private int maxSubscriptions = ClientLimits.DEFAULT_MAX_SUBSCRIPTIONS;
        private int clientPublishRate = ClientLimits.DEFAULT_PUBLISH_RATE;
        private int clientPublishBytes = ClientLimits.DEFAULT_PUBLISH_BYTES_RATE;
        private AddressLimits addressLimits = AddressLimits.DEFAULT;
        private UserLimits userLimits = UserLimits.DEFAULT;
        private int clientRoomsPerMinute = ClientLimits.DEFAULT_ROOMS_PER_MINUTE;
        private int maxPendingRequests = ClientLimits.DEFAULT_MAX_PENDING;

        private Builder() {
        }

        /** Null: none. An empty or blank secret is refused: it would make every token forgeable. */
        public Builder jwtSecret(String v) {
            Check.setting(v == null || !v.isBlank(), "jwt-secret", v, "a secret (an empty one would sign any token)");
            jwt = jwt.withSecret(v);
            return this;
        }

        /** Public keys of RS256 or ES256 tokens. */
        public Builder jwtPublicKeys(List<PublicKey> v) { jwt = jwt.withPublicKeys(v); return this; }

        public Builder jwtJwksUrl(URI v) {
            jwt = jwt.withJwksUrl(httpUrl("jwt-jwks-url", v));
            return this;
        }

        public Builder jwksRefresh(Duration v) {
            Check.setting(v != null && v.toSeconds() >= 10, "jwt-jwks-refresh", v, "at least 10s");
            jwksRefresh = v;
            return this;
        }

        public Builder jwtLeeway(Duration v) {
            Check.setting(v != null && !v.isNegative() && v.toSeconds() <= 600, "jwt-leeway", v, "0s to 10m");
            jwt = jwt.withLeeway(v);
            return this;
        }

        /** Null: tokens may live as long as their {@code exp} says, or forever without one. */
        public Builder jwtMaxLifetime(Duration v) {
            Check.setting(v == null || v.toSeconds() >= 1, "jwt-max-lifetime", v, "at least 1s");
            jwt = jwt.withMaxLifetime(v);
            return this;
        }

        public Builder jwtIssuer(String v) { jwt = jwt.withIssuer(Check.noneIfEmpty(v)); return this; }
        public Builder jwtAudience(String v) { jwt = jwt.withAudience(Check.noneIfEmpty(v)); return this; }
        public Builder allowAnonymous(boolean v) { allowAnonymous = v; return this; }
        public Builder apiKey(String v) { apiKey = Check.noneIfEmpty(v); return this; }
        public Builder adminKey(String v) { adminKey = Check.noneIfEmpty(v); return this; }
        public Builder clientSend(ClientReach v) { clientSend = Objects.requireNonNull(v, "client-send"); return this; }
        public Builder clientBroadcast(ClientReach v) { clientBroadcast = Objects.requireNonNull(v, "client-broadcast"); return this; }
        public Builder roomSubscribe(RoomAccess v) { roomSubscribe = Objects.requireNonNull(v, "room-subscribe"); return this; }
        public Builder roomPublish(RoomAccess v) { roomPublish = Objects.requireNonNull(v, "room-publish"); return this; }
        /** Null: as {@code room-subscribe}. */
        public Builder roomHistory(RoomAccess v) { roomHistory = v; return this; }
        public Builder roomPresence(RoomAccess v) { roomPresence = Objects.requireNonNull(v, "room-presence"); return this; }
        /** What a slow reader gets of the default namespace's rooms (namespaces may say otherwise). */
        public Builder overflow(OverflowPolicy v) { overflow = Objects.requireNonNull(v, "overflow"); return this; }

        /** Replaces the configured namespaces. */
        public Builder namespaces(List<NamespaceSpec> v) {
            namespaces.clear();
            for (NamespaceSpec spec : v) {
                Check.setting(namespaces.put(spec.name(), spec) == null, "namespaces", spec.name(), "each namespace once");
            }
            return this;
        }

        public Builder proxyConnectUrl(URI v) { proxyConnectUrl = httpUrl("proxy-connect-url", v); return this; }
        public Builder proxySubscribeUrl(URI v) { proxySubscribeUrl = httpUrl("proxy-subscribe-url", v); return this; }
        public Builder proxyPublishUrl(URI v) { proxyPublishUrl = httpUrl("proxy-publish-url", v); return this; }

        public Builder proxyTimeout(Duration v) {
            Check.setting(v != null && v.toMillis() >= 1 && v.toSeconds() <= 60, "proxy-timeout", v, "1ms to 60s");
            proxyTimeout = v;
            return this;
        }

        public Builder proxyMaxInFlight(int v) {
            Check.setting(v >= 1, "proxy-max-in-flight", v, "1 or more");
            proxyMaxInFlight = v;
            return this;
        }

        public Builder maxSubscriptions(int v) {
            Check.setting(v >= 1 && v <= 1_000_000, "max-subscriptions", v, "1 to 1000000");
            maxSubscriptions = v;
            return this;
        }

        /** 0: no limit. */
        public Builder clientPublishRate(int v) {
            Check.setting(v >= 0, "client-publish-rate", v, "0 (no limit) or more messages a second");
            clientPublishRate = v;
            return this;
        }

        /** 0: no limit. */
        public Builder clientPublishBytes(int v) {
            Check.setting(v >= 0, "client-publish-bytes", v, "0 (no limit) or more bytes a second");
            clientPublishBytes = v;
            return this;
        }

        /** 0: no limit. */
        public Builder maxConnectionsPerAddress(int v) { addressLimits = addressLimits.withMaxConnections(v); return this; }
        /** 0: no limit. */
        public Builder connectionRatePerAddress(int v) { addressLimits = addressLimits.withNewPerSecond(v); return this; }
        /** Addresses and CIDR blocks the per-address limits leave alone; empty: none. */
        public Builder addressLimitExempt(List<String> v) { addressLimits = addressLimits.withExempt(v); return this; }
        /** 0: no limit. */
        public Builder maxConnectionsPerUser(int v) { userLimits = new UserLimits(v, userLimits.publishRate()); return this; }
        /** 0: no limit. */
        public Builder userPublishRate(int v) { userLimits = new UserLimits(userLimits.maxConnections(), v); return this; }
        public Builder maxPendingRequests(int v) {
            Check.setting(v >= 0, "max-pending-requests", v, "0 (no limit) or more");
            maxPendingRequests = v;
            return this;
        }

        public Builder clientRoomsPerMinute(int v) {
            Check.setting(v >= 0, "client-rooms-per-minute", v, "0 (no limit) or more rooms a minute");
            clientRoomsPerMinute = v;
            return this;
        }

        private static URI httpUrl(String setting, URI v) {
            Check.setting(v == null || "https".equals(v.getScheme()) || "http".equals(v.getScheme()), setting, v, "an http or https URL");
            return v;
        }

        public SecurityOptions build() {
            return new SecurityOptions(this);
        }
    }
}
