package io.wscluster.gateway;

import io.wscluster.options.Check;
import io.wscluster.redis.BusOptions;
import io.wscluster.routing.RoutingOptions;
import io.wscluster.security.AddressLimits;
import io.wscluster.security.JwtOptions;
import io.wscluster.security.SecurityOptions;
import io.wscluster.security.TrustedProxies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/** What a gateway is configured with. Immutable; build with {@link #builder()}. */
public final class GatewayOptions {
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8000;
    public static final int DEFAULT_IO_THREADS = 0;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** HTTP requests one keep-alive client connection may carry before it is closed. */
    public static final int MAX_REQUESTS_PER_CONNECTION = 1000;

    private final String host;
    private final int port;
    private final String redisUrl;
    private final String cluster;
    private final Duration heartbeat;
    private final RoutingOptions routing;
    private final int ioThreads;
    private final Duration connectTimeout;
    private final boolean forwardApi;
    private final JwtOptions jwt;
    private final Duration jwksRefresh;
    private final List<String> trustedProxies;
    private final Path tlsCertFile;
    private final Path tlsKeyFile;
    private final boolean tlsSelfSigned;
    private final Path nodeCaFile;
    private final String apiKey;
    private final Duration requestTimeout;
    private final AddressLimits addressLimits;

    private GatewayOptions(Builder b) {
        host = b.host;
        port = b.port;
        redisUrl = b.redisUrl;
        cluster = b.cluster;
        heartbeat = b.heartbeat;
        routing = b.routing;
        ioThreads = b.ioThreads;
        connectTimeout = b.connectTimeout;
        forwardApi = b.forwardApi;
        jwt = b.jwt;
        jwksRefresh = b.jwksRefresh;
        trustedProxies = b.trustedProxies;
        tlsCertFile = b.tlsCertFile;
        tlsKeyFile = b.tlsKeyFile;
        tlsSelfSigned = b.tlsSelfSigned;
        nodeCaFile = b.nodeCaFile;
        apiKey = b.apiKey;
        requestTimeout = b.requestTimeout;
        addressLimits = b.addressLimits;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Interface to listen on. */
    public String host() { return host; }
    /** Port for clients, WebSocket and HTTP; 0 picks a free one. */
    public int port() { return port; }
    /** The cluster's Redis; null when the caller supplies membership and sticky registry itself (in-process). */
    public String redisUrl() { return redisUrl; }
    /** The cluster's name: the namespace of its Redis keys. */
    public String cluster() { return cluster; }
    /** The nodes' heartbeat: how often the gateway re-reads membership. */
    public Duration heartbeat() { return heartbeat; }
    /** How new connections are placed. */
    public RoutingOptions routing() { return routing; }
    /** Event loops; 0: one per core. */
    public int ioThreads() { return ioThreads; }
    /** How long the gateway waits for a node to accept the TCP connection. */
    public Duration connectTimeout() { return connectTimeout; }
    /**
     * Whether client requests for {@code /api/*} (but its own {@code /api/route} and {@code /api/cluster}) go on to a node's
     * operator listener; {@code /admin/*} never does.
     */
    public boolean forwardApi() { return forwardApi; }
    /**
     * The nodes' token settings, to verify a token before its {@code sub} places a connection;
     * without a key connections are placed as anonymous.
     */
    public JwtOptions jwt() { return jwt; }
    /** How often the JWKS, when {@link #jwt()} names one, is fetched again. */
    public Duration jwksRefresh() { return jwksRefresh; }
    /** Addresses or CIDR blocks of the proxies in front whose {@code X-Forwarded-*} headers are believed; none by default. */
    public List<String> trustedProxies() { return trustedProxies; }
    /** PEM certificate chain the gateway serves {@code wss://} with (reloaded when it changes); null with {@link #tlsKeyFile()}: plain. */
    public Path tlsCertFile() { return tlsCertFile; }
    /** PEM private key (PKCS#8) of {@link #tlsCertFile()}. */
    public Path tlsKeyFile() { return tlsKeyFile; }
    /** Serve {@code wss://} with a certificate made at start, for development. */
    public boolean tlsSelfSigned() { return tlsSelfSigned; }
    /** PEM authorities trusted for nodes that advertise {@code wss://}; null: the system's. */
    public Path nodeCaFile() { return nodeCaFile; }
    /** The key that opens the gateway's {@code /metrics} beyond loopback callers; null: loopback only. */
    public String apiKey() { return apiKey; }
    /** Longest a client may take to send a complete request (the upgrade included); keep-alive idle: six times this. */
    public Duration requestTimeout() { return requestTimeout; }
    /** What one client address may open through the gateway: connections at once, new connections a second, and who is exempt. */
    public AddressLimits addressLimits() { return addressLimits; }

    /** Builder with every default set; setters check their argument and name the option in the error. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String redisUrl;
        private String cluster = BusOptions.DEFAULT_CLUSTER;
        private Duration heartbeat = BusOptions.DEFAULT_HEARTBEAT;
        private RoutingOptions routing = RoutingOptions.DEFAULT;
        private int ioThreads = DEFAULT_IO_THREADS;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private boolean forwardApi;
        private JwtOptions jwt = JwtOptions.NONE;
        private Duration jwksRefresh = SecurityOptions.DEFAULT_JWKS_REFRESH;
        private List<String> trustedProxies = List.of();
        private Path tlsCertFile;
        private Path tlsKeyFile;
        private boolean tlsSelfSigned;
        private Path nodeCaFile;
        private String apiKey;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private AddressLimits addressLimits = AddressLimits.DEFAULT;

        private Builder() {
        }

        public Builder host(String v) { host = Objects.requireNonNull(v, "host"); return this; }

        public Builder port(int v) {
            Check.setting(v >= 0 && v <= 65535, "port", v, "0 to 65535");
            port = v;
            return this;
        }

        /** Checked when the gateway starts, which says what is wrong with it. */
        public Builder redisUrl(String v) { redisUrl = v; return this; }

        public Builder cluster(String v) { cluster = Objects.requireNonNull(v, "cluster"); return this; }

        public Builder heartbeat(Duration v) {
            Check.setting(v != null && !v.isNegative() && !v.isZero(), "heartbeat", v, "a positive duration");
            heartbeat = v;
            return this;
        }

        public Builder routing(UnaryOperator<RoutingOptions> change) {
            routing = Objects.requireNonNull(change.apply(routing), "routing");
            return this;
        }

        public Builder ioThreads(int v) {
            Check.setting(v >= 0, "io-threads", v, "0 or more");
            ioThreads = v;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            Check.setting(v != null && !v.isNegative() && !v.isZero(), "connect-timeout", v, "a positive duration");
            connectTimeout = v;
            return this;
        }

        public Builder forwardApi(boolean v) { forwardApi = v; return this; }

        /** The token settings of the nodes' {@link SecurityOptions}, so that the gateway accepts the same tokens. */
        public Builder tokens(SecurityOptions nodes) {
            jwt = nodes.jwt();
            jwksRefresh = nodes.jwksRefresh();
            return this;
        }

        /** @throws IllegalArgumentException naming an entry that is not an address or CIDR block */
        public Builder trustedProxies(List<String> v) {
            new TrustedProxies(v);
            trustedProxies = List.copyOf(v);
            return this;
        }

        /** Both files or neither; not with a self-signed certificate. */
        public Builder tls(Path certFile, Path keyFile, boolean selfSigned) {
            Check.setting((certFile == null) == (keyFile == null), certFile == null ? "tls-cert-file" : "tls-key-file", "none",
                    "given with " + (certFile == null ? "--tls-key-file" : "--tls-cert-file"));
            Check.setting(!(selfSigned && certFile != null), "tls-self-signed", true, "off when --tls-cert-file is given");
            tlsCertFile = certFile;
            tlsKeyFile = keyFile;
            tlsSelfSigned = selfSigned;
            return this;
        }

        public Builder nodeCaFile(Path v) { nodeCaFile = v; return this; }
        public Builder apiKey(String v) { apiKey = Check.noneIfEmpty(v); return this; }

        public Builder requestTimeout(Duration v) {
            Check.setting(v != null && v.toMillis() >= 10 && v.toMinutes() <= 10, "request-timeout", v, "10ms to 10m");
            requestTimeout = v;
            return this;
        }

        /** The nodes' per-address limits ({@link SecurityOptions#addressLimits()}), which the gateway applies to its clients. */
        public Builder addressLimits(AddressLimits v) { addressLimits = Objects.requireNonNull(v, "address limits"); return this; }

        public GatewayOptions build() {
            return new GatewayOptions(this);
        }
    }
}
