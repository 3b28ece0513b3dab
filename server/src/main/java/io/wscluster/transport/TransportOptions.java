package io.wscluster.transport;

import io.wscluster.hub.HubConfig;
import io.wscluster.options.Check;
import io.wscluster.security.TrustedProxies;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Where a node listens and how it treats each socket. A node has two listeners: the public one
 * ({@code host}, {@code port}) serves clients only ({@code /ws}, {@code /health}, {@code /ready},
 * and the page when {@code page} is on); the operator listener ({@code admin-host},
 * {@code admin-port}, loopback by default) serves the API, {@code /admin/*} and {@code /metrics}.
 * Immutable; build with {@link #builder()}.
 */
public final class TransportOptions {
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024;
    public static final Duration DEFAULT_PING_INTERVAL = HubConfig.DEFAULT_PING_INTERVAL;
    public static final int DEFAULT_OUTBOUND_BUFFER_LIMIT = 1024 * 1024;
    public static final boolean DEFAULT_COMPRESSION = true;
    public static final int DEFAULT_IO_THREADS = 0;
    public static final String DEFAULT_ADMIN_HOST = "127.0.0.1";
    /** {@code admin-port}'s default is the public port plus this; a free port when that is 0 or beyond 65535. */
    public static final int ADMIN_PORT_OFFSET = 1000;
    /** {@link #agentPort()} when there is no agent-check listener. */
    public static final int AGENT_OFF = -1;
    public static final boolean DEFAULT_PAGE = false;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_REQUESTS_PER_CONNECTION = 1000;
    /** Far above what one node holds on this project's benchmarks (17,000), and a bound all the same. */
    public static final int DEFAULT_MAX_CONNECTIONS = 50_000;
    public static final int DEFAULT_SHED_HEAP_PERCENT = 90;
    /** {@code admin-port} as given when it was not: derived from the public port. */
    private static final int DERIVED = -1;
    public static final TransportOptions DEFAULT = builder().build();

    private final String host;
    private final int port;
    private final String advertisedUrl;
    private final int maxFrameSize;
    private final Duration pingInterval;
    private final int outboundBufferLimit;
    private final boolean compression;
    private final int ioThreads;
    private final String adminHost;
    private final int adminPort;
    private final int agentPort;
    private final boolean page;
    private final List<String> allowedOrigins;
    private final TlsOptions tls;
    private final String publicUrl;
    private final List<String> trustedProxies;
    private final Duration requestTimeout;
    private final Duration idleTimeout;
    private final int maxRequestsPerConnection;
    private final int maxConnections;
    private final int shedHeapPercent;

    private TransportOptions(Builder b) {
        host = b.host;
        port = b.port;
        advertisedUrl = b.advertisedUrl;
        maxFrameSize = b.maxFrameSize;
        pingInterval = b.pingInterval;
        outboundBufferLimit = b.outboundBufferLimit;
        compression = b.compression;
        ioThreads = b.ioThreads;
        adminHost = b.adminHost;
        adminPort = b.adminPort;
        agentPort = b.agentPort;
        page = b.page;
        allowedOrigins = b.allowedOrigins;
        tls = b.tls; // checked with the node's other options: its two files are two settings, set one at a time
        publicUrl = b.publicUrl;
        trustedProxies = b.trustedProxies;
        requestTimeout = b.requestTimeout;
        idleTimeout = b.idleTimeout;
        maxRequestsPerConnection = b.maxRequestsPerConnection;
        maxConnections = b.maxConnections;
        shedHeapPercent = b.shedHeapPercent;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return builder().host(host).port(port).advertisedUrl(advertisedUrl).maxFrameSize(maxFrameSize).pingInterval(pingInterval)
                .outboundBufferLimit(outboundBufferLimit).compression(compression).ioThreads(ioThreads)
                .adminHost(adminHost).page(page).derivedOrAdminPort(adminPort).agentPortOrOff(agentPort).allowedOrigins(allowedOrigins).tls(t -> tls).publicUrl(publicUrl)
                .trustedProxies(trustedProxies).requestTimeout(requestTimeout).idleTimeout(idleTimeout)
                .maxRequestsPerConnection(maxRequestsPerConnection).maxConnections(maxConnections).shedHeapPercent(shedHeapPercent);
    }

    /** Interface to bind; {@code 0.0.0.0} for all. */
    public String host() { return host; }
    /** TCP port; 0 picks a free one. */
    public int port() { return port; }
    /** The WebSocket URL clients use to reach this node; null derives it from host and port. */
    public String advertisedUrl() { return advertisedUrl; }
    /** Largest WebSocket message and HTTP body accepted, in bytes. */
    public int maxFrameSize() { return maxFrameSize; }
    /** Interval of WebSocket pings; a connection silent for two intervals is closed. */
    public Duration pingInterval() { return pingInterval; }
    /** Bytes a connection may have queued beyond the socket's buffer before it is closed as a slow consumer. */
    public int outboundBufferLimit() { return outboundBufferLimit; }
    /** Whether permessage-deflate is offered to clients that ask for it. */
    public boolean compression() { return compression; }
    /** Event-loop threads; 0 uses one per core. */
    public int ioThreads() { return ioThreads; }
    /** Interface of the operator listener; loopback unless the operator opens it (with keys). */
    public String adminHost() { return adminHost; }
    /** Port of the operator listener: as set, else {@code port + 1000}, else (port 0, or beyond 65535) a free one. */
    public int adminPort() {
        if (adminPort != DERIVED) {
            return adminPort;
        }
        int derived = port + ADMIN_PORT_OFFSET;
        return port == 0 || derived > 65535 ? 0 : derived;
    }
    /**
     * Port of the HAProxy agent-check listener on {@link #adminHost()}; {@link #AGENT_OFF} (the
     * default) for none, 0 for a free one.
     */
    public int agentPort() { return agentPort; }
    /** Whether the public listener serves the demo page (and the cluster view it shows). */
    public boolean page() { return page; }
    /** Origins of other sites whose pages may open a WebSocket here ({@code *} wildcards); pages of the same origin always may. */
    public List<String> allowedOrigins() { return allowedOrigins; }
    /** TLS of both listeners ({@code wss://}, {@code https://}); off by default. */
    public TlsOptions tls() { return tls; }
    /**
     * The URL clients reach the cluster at (a gateway or load balancer): reconnect frames point
     * there, with the chosen node as a {@code node} hint, never at a node's own address; null: the node's.
     */
    public String publicUrl() { return publicUrl; }
    /** Addresses or CIDR blocks of the proxies in front (the gateway) whose {@code X-Forwarded-For} names the client; none by default. */
    public List<String> trustedProxies() { return trustedProxies; }
    /** Longest a new connection may take to send its first complete request (the upgrade included): slowloris. */
    public Duration requestTimeout() { return requestTimeout; }
    /** Longest a connection that has not upgraded may wait between two requests. */
    public Duration idleTimeout() { return idleTimeout; }
    /** Requests one keep-alive connection may carry before it is closed. */
    public int maxRequestsPerConnection() { return maxRequestsPerConnection; }
    /** Connections the node holds before it refuses new ones with 503 ({@link LoadShedding}). */
    public int maxConnections() { return maxConnections; }
    /** Heap left by the last collection, in percent of the maximum, above which new connections are refused; 0: never. */
    public int shedHeapPercent() { return shedHeapPercent; }

    /** Builder with every default set; setters check their argument and name the setting in the error. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String advertisedUrl;
        private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private int outboundBufferLimit = DEFAULT_OUTBOUND_BUFFER_LIMIT;
        private boolean compression = DEFAULT_COMPRESSION;
        private int ioThreads = DEFAULT_IO_THREADS;
        private String adminHost = DEFAULT_ADMIN_HOST;
        private int adminPort = DERIVED;
        private int agentPort = AGENT_OFF;
        private boolean page = DEFAULT_PAGE;
        private List<String> allowedOrigins = List.of();
        private TlsOptions tls = TlsOptions.NONE;
        private String publicUrl;
        private List<String> trustedProxies = List.of();
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private int maxRequestsPerConnection = DEFAULT_MAX_REQUESTS_PER_CONNECTION;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int shedHeapPercent = DEFAULT_SHED_HEAP_PERCENT;

        private Builder() {
        }

        public Builder host(String v) { host = Objects.requireNonNull(v, "host"); return this; }

        public Builder port(int v) {
            Check.setting(v >= 0 && v <= 65535, "port", v, "0 to 65535");
            port = v;
            return this;
        }

        public Builder advertisedUrl(String v) { advertisedUrl = v; return this; }

        public Builder maxFrameSize(int v) {
            Check.setting(v >= 1024, "max-frame-size", v, "at least 1024 bytes");
            maxFrameSize = v;
            return this;
        }

        public Builder pingInterval(Duration v) {
            Check.setting(v != null && v.toMillis() >= 10, "ping-interval", v, "at least 10ms");
            pingInterval = v;
            return this;
        }

        public Builder outboundBufferLimit(int v) {
            Check.setting(v >= 1024, "outbound-buffer-limit", v, "at least 1024 bytes");
            outboundBufferLimit = v;
            return this;
        }

        public Builder compression(boolean v) { compression = v; return this; }

        public Builder ioThreads(int v) {
            Check.setting(v >= 0 && v <= 1024, "io-threads", v, "0 (one per core) to 1024");
            ioThreads = v;
            return this;
        }

        public Builder adminHost(String v) { adminHost = Objects.requireNonNull(v, "admin-host"); return this; }

        public Builder adminPort(int v) {
            Check.setting(v >= 0 && v <= 65535, "admin-port", v, "0 to 65535");
            adminPort = v;
            return this;
        }

        public Builder agentPort(int v) {
            Check.setting(v >= 0 && v <= 65535, "agent-port", v, "0 to 65535");
            agentPort = v;
            return this;
        }

        private Builder agentPortOrOff(int v) {
            agentPort = v;
            return this;
        }

        private Builder derivedOrAdminPort(int v) {
            adminPort = v;
            return this;
        }

        public Builder page(boolean v) { page = v; return this; }

        public Builder allowedOrigins(List<String> v) {
            for (String o : v) {
                Check.setting(o.equals("*") || o.matches("(?i)[a-z][a-z0-9+.-]*://[^/\\s]+"), "allowed-origins", o,
                        "origins such as https://app.example.com or https://*.example.com, or * for any");
            }
            allowedOrigins = List.copyOf(v);
            return this;
        }

        public Builder publicUrl(String v) {
            Check.setting(v == null || v.matches("(?i)wss?://[^/\\s?#]+(/[^\\s#]*)?"), "public-url", v,
                    "a ws:// or wss:// URL such as wss://chat.example.com/ws");
            publicUrl = v;
            return this;
        }

        public Builder requestTimeout(Duration v) {
            Check.setting(v != null && v.toMillis() >= 10 && v.toMinutes() <= 10, "request-timeout", v, "10ms to 10m");
            requestTimeout = v;
            return this;
        }

        public Builder idleTimeout(Duration v) {
            Check.setting(v != null && v.toMillis() >= 10 && v.toHours() <= 1, "idle-timeout", v, "10ms to 1h");
            idleTimeout = v;
            return this;
        }

        public Builder maxRequestsPerConnection(int v) {
            Check.setting(v >= 1, "max-requests-per-connection", v, "1 or more");
            maxRequestsPerConnection = v;
            return this;
        }

        public Builder maxConnections(int v) {
            Check.setting(v >= 1, "max-connections", v, "1 or more");
            maxConnections = v;
            return this;
        }

        public Builder shedHeapPercent(int v) {
            Check.setting(v == 0 || (v >= 50 && v <= 99), "shed-heap-percent", v, "0 (never) or 50 to 99");
            shedHeapPercent = v;
            return this;
        }

        /** @throws IllegalArgumentException naming an entry that is not an address or CIDR block */
        public Builder trustedProxies(List<String> v) {
            new TrustedProxies(v);
            trustedProxies = List.copyOf(v);
            return this;
        }

        public Builder tls(UnaryOperator<TlsOptions> change) {
            tls = Objects.requireNonNull(change.apply(tls), "tls");
            return this;
        }

        public TransportOptions build() {
            return new TransportOptions(this);
        }
    }
}
