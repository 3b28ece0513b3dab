package io.wscluster.cli;

import io.wscluster.NodeOptions;
import io.wscluster.config.Setting;
import io.wscluster.config.Settings;
import io.wscluster.config.Values;
import io.wscluster.gateway.Gateway;
import io.wscluster.gateway.GatewayOptions;
import io.wscluster.redis.BusOptions;
import io.wscluster.routing.AdaptiveWeights;
import io.wscluster.routing.Algorithm;
import io.wscluster.routing.RoutingOptions;
import io.wscluster.routing.Stickiness;
import io.wscluster.security.AddressLimits;
import io.wscluster.security.SecurityOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wsc gateway}: a WebSocket-aware reverse proxy in front of the nodes of a cluster on Redis. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run a gateway: it places each new WebSocket connection on a node (algorithm and stickiness),"
                + " relays it, learns the nodes from the cluster's Redis, and sends a lost node's clients elsewhere. Its /metrics answers"
                + " loopback callers, and anyone with the key of WSC_API_KEY once that is set.")
public final class GatewayCommand implements Callable<Integer> {
    @Option(names = "--host", paramLabel = "<host>", defaultValue = GatewayOptions.DEFAULT_HOST, description = "Interface to listen on. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", paramLabel = "<port>", defaultValue = "" + GatewayOptions.DEFAULT_PORT,
            description = "Port for clients (WebSocket and HTTP). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--redis", paramLabel = "<url>", description = "The cluster's Redis (also WSC_REDIS, or REDIS_URL): redis://host:port or redis-cluster://host:port,...")
    String redis;

    @Option(names = "--cluster", paramLabel = "<name>", defaultValue = "${env:WSC_CLUSTER:-" + BusOptions.DEFAULT_CLUSTER + "}",
            description = "The cluster's name, as the nodes were given (also WSC_CLUSTER). Default: ${DEFAULT-VALUE}.")
    String cluster;

    @Option(names = "--heartbeat", paramLabel = "<duration>", defaultValue = "1s",
            description = "The nodes' heartbeat: how often membership is re-read. Default: ${DEFAULT-VALUE}.")
    String heartbeat;

    @Option(names = "--algorithm", paramLabel = "<name>", description = "round-robin, least-connections, weighted, ip-hash,"
            + " random or adaptive. Default: least-connections.")
    String algorithm;

    @Option(names = "--adaptive-weights", paramLabel = "<w,w,w,w,w>", description = "Weights of the adaptive score. Default: 0.4,0.2,0.2,0.1,0.1.")
    String adaptiveWeights;

    @Option(names = "--sticky", paramLabel = "<strategy>", description = "none, user, session, ip, key or region. Default: user.")
    String sticky;

    @Option(names = "--sticky-ttl", paramLabel = "<duration>", description = "How long an unused sticky mapping is kept. Default: 1h.")
    String stickyTtl;

    @Option(names = "--sticky-key", paramLabel = "<param>", description = "Query parameter hashed onto the nodes with --sticky key. Default: key.")
    String stickyKey;

    @Option(names = "--region-neighbors", paramLabel = "<map>", description = "Nearest regions first, for --sticky region:"
            + " 'eu-west:eu-central,us-east;us-east:eu-west'.")
    String regionNeighbors;

    @Option(names = "--jwt-secret", paramLabel = "<secret>", description = "The nodes' token secret (also WSC_JWT_SECRET, which ps"
            + " does not show): tokens are verified before their user places a connection (sticky user); without a key, connections"
            + " are placed as anonymous and the nodes authenticate them. The other --jwt-* flags are the nodes' settings of that name.")
    String jwtSecret;

    @Option(names = "--jwt-secret-file", paramLabel = "<file>", description = "As the nodes' jwt-secret-file setting.")
    String jwtSecretFile;

    @Option(names = "--api-key-file", paramLabel = "<file>", description = "A file whose first line is the key that opens /metrics"
            + " and /dashboard to others than loopback callers (also WSC_API_KEY_FILE; or the key itself in WSC_API_KEY).")
    String apiKeyFile;

    @Option(names = "--jwt-public-key-file", paramLabel = "<file>", description = "As the nodes' jwt-public-key-file setting.")
    String jwtPublicKeyFile;

    @Option(names = "--jwt-jwks-url", paramLabel = "<url>", description = "As the nodes' jwt-jwks-url setting.")
    String jwtJwksUrl;

    @Option(names = "--jwt-jwks-refresh", paramLabel = "<duration>", description = "As the nodes' jwt-jwks-refresh setting.")
    String jwtJwksRefresh;

    @Option(names = "--jwt-leeway", paramLabel = "<duration>", description = "As the nodes' jwt-leeway setting.")
    String jwtLeeway;

    @Option(names = "--jwt-issuer", paramLabel = "<iss>", description = "As the nodes' jwt-issuer setting.")
    String jwtIssuer;

    @Option(names = "--jwt-audience", paramLabel = "<aud>", description = "As the nodes' jwt-audience setting.")
    String jwtAudience;

    @Option(names = "--jwt-max-lifetime", paramLabel = "<duration>", description = "As the nodes' jwt-max-lifetime setting.")
    String jwtMaxLifetime;

    @Option(names = "--trusted-proxies", paramLabel = "<ip,cidr,...>", split = ",",
            description = "Proxies in front of the gateway whose X-Forwarded-For/-Proto/-Host are believed (addresses or CIDR"
                    + " blocks). From anyone else those headers are dropped. Default: none.")
    List<String> trustedProxies;

    @Option(names = "--tls-cert-file", paramLabel = "<file>", description = "PEM certificate chain to serve wss:// and https:// with"
            + " (reloaded when it changes); with --tls-key-file.")
    String tlsCertFile;

    @Option(names = "--tls-key-file", paramLabel = "<file>", description = "PEM private key (PKCS#8) of --tls-cert-file.")
    String tlsKeyFile;

    @Option(names = "--tls-self-signed", description = "Serve wss:// with a certificate made at start, for development.")
    boolean tlsSelfSigned;

    @Option(names = "--node-ca-file", paramLabel = "<file>", description = "PEM authorities trusted for nodes that advertise wss://."
            + " Default: the system's.")
    String nodeCaFile;

    @Option(names = "--request-timeout", paramLabel = "<duration>", description = "Longest a client may take to send a complete"
            + " request, the WebSocket upgrade included (slowloris); a connection idles at most six times this between requests."
            + " Default: 10s.")
    String requestTimeout;

    @Option(names = "--max-connections-per-address", paramLabel = "<n>", description = "Connections one client address (after"
            + " --trusted-proxies; an IPv6 /64) may hold at once; one more is closed at accept, or refused with 429 behind a trusted"
            + " proxy. 0: no limit. Default: " + AddressLimits.DEFAULT_MAX_CONNECTIONS + ". As the nodes' setting (also its WSC_ variable).")
    String maxConnectionsPerAddress;

    @Option(names = "--connection-rate-per-address", paramLabel = "<n>", description = "New WebSocket connections one client address"
            + " may open a second; beyond, 429 with Retry-After. 0: no limit. Default: " + AddressLimits.DEFAULT_NEW_PER_SECOND + "."
            + " As the nodes' setting (also its WSC_ variable).")
    String connectionRatePerAddress;

    @Option(names = "--address-limit-exempt", paramLabel = "<ip,cidr,...>", description = "Addresses and CIDR blocks the per-address"
            + " limits leave alone; none: every address is limited. Default: 127.0.0.1,::1. As the nodes' setting (also its WSC_ variable).")
    String addressLimitExempt;

    @Option(names = "--forward-api", description = "Forward clients' /api/* requests (but /api/route and /api/cluster, its own)"
            + " to a node's operator listener, the admin_url it reports, which the gateway must reach; the node asks for its"
            + " api-key (a forwarded request is never a loopback caller). /admin/* is never forwarded. Default: off.")
    boolean forwardApi;

    @Option(names = "--io-threads", paramLabel = "<n>", defaultValue = "0", description = "Event loops; 0 is one per core. Default: ${DEFAULT-VALUE}.")
    int ioThreads;

    @Mixin
    LogOptions log = new LogOptions();

    @Override
    public Integer call() throws InterruptedException {
        if (!log.apply("gateway", System.getenv())) {
            return 2;
        }
        LogSetup.nodeId("gateway");
        GatewayOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            System.err.println("wsc gateway: " + e.getMessage());
            return 2;
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(options);
        } catch (IllegalStateException e) {
            System.err.println("wsc gateway: " + e.getMessage());
            return 2;
        }
        System.out.println("gateway listening on " + gateway.url() + " (health, ready, metrics and /api/route at "
                + gateway.httpUrl() + ")");
        return NodeCommand.serveUntilStopped(gateway::close);
    }

    GatewayOptions options() {
        String redisUrl = ClusterNodes.redisUrl(redis);
        if (redisUrl == null) {
            throw new IllegalArgumentException("redis: the gateway learns the nodes from the cluster's Redis: give --redis URL"
                    + " (or WSC_REDIS or REDIS_URL); for a single process, ./wsc demo runs a gateway in front of its nodes");
        }
        RoutingOptions r = RoutingOptions.DEFAULT;
        r = set(r, "algorithm", algorithm, v -> r0 -> r0.withAlgorithm(Algorithm.parse(v)));
        r = set(r, "adaptive-weights", adaptiveWeights, v -> r0 -> r0.withWeights(AdaptiveWeights.parse(v)));
        r = set(r, "sticky", sticky, v -> r0 -> r0.withStickiness(Stickiness.parse(v)));
        r = set(r, "sticky-ttl", stickyTtl, v -> r0 -> r0.withStickyTtl(Values.duration(v)));
        r = set(r, "sticky-key", stickyKey, v -> r0 -> r0.withStickyKey(v));
        r = set(r, "region-neighbors", regionNeighbors, v -> r0 -> r0.withRegionNeighbors(v));
        Duration beat = parse("heartbeat", heartbeat, Values::duration);
        RoutingOptions routing = r;
        return GatewayOptions.builder().host(host).port(port).redisUrl(redisUrl).cluster(cluster).heartbeat(beat)
                .routing(any -> routing).ioThreads(ioThreads).forwardApi(forwardApi)
                .tokens(nodeSettings(tokenFlags()))
                .addressLimits(nodeSettings(limitFlags()).addressLimits())
                .tls(file("tls-cert-file", tlsCertFile), file("tls-key-file", tlsKeyFile), tlsSelfSigned)
                .nodeCaFile(file("node-ca-file", nodeCaFile))
                .apiKey(nodeSettings(apiKeyFlags()).apiKey())
                .requestTimeout(requestTimeout == null ? GatewayOptions.DEFAULT_REQUEST_TIMEOUT
                        : parse("request-timeout", requestTimeout, Values::duration))
                .trustedProxies(trustedProxies == null ? List.of() : trustedProxies).build();
    }

    /** The token settings, so that the gateway accepts the tokens the nodes accept. */
    private Map<String, String> tokenFlags() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("jwt-secret", jwtSecret);
        given.put("jwt-secret-file", jwtSecretFile);
        given.put("jwt-public-key-file", jwtPublicKeyFile);
        given.put("jwt-jwks-url", jwtJwksUrl);
        given.put("jwt-jwks-refresh", jwtJwksRefresh);
        given.put("jwt-leeway", jwtLeeway);
        given.put("jwt-issuer", jwtIssuer);
        given.put("jwt-audience", jwtAudience);
        given.put("jwt-max-lifetime", jwtMaxLifetime);
        return given;
    }

    /** The operator key, read as the nodes read theirs: WSC_API_KEY, or the first line of --api-key-file (WSC_API_KEY_FILE). */
    private Map<String, String> apiKeyFlags() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("api-key", null);
        given.put("api-key-file", apiKeyFile);
        return given;
    }

    /** The per-address limits, which the gateway applies to its clients as the nodes do to theirs. */
    private Map<String, String> limitFlags() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("max-connections-per-address", maxConnectionsPerAddress);
        given.put("connection-rate-per-address", connectionRatePerAddress);
        given.put("address-limit-exempt", addressLimitExempt);
        return given;
    }

    /**
     * Node settings the gateway shares, read by the nodes' own settings table so that both parse,
     * check and default them alike: each flag given, else the setting's WSC_ variable.
     */
    private static SecurityOptions nodeSettings(Map<String, String> given) {
        NodeOptions.Builder b = NodeOptions.builder();
        given.forEach((name, flag) -> {
            Setting setting = Settings.byName(name).orElseThrow();
            String value = flag != null ? flag : System.getenv(setting.envName());
            if (value != null) {
                parse(name, value, v -> {
                    setting.apply().accept(b, v);
                    return v;
                });
            }
        });
        return b.build().security();
    }

    private static java.nio.file.Path file(String flag, String value) {
        return value == null ? null : parse(flag, value, Values::path);
    }

    /** Applies one flag when given, naming it in the error when its value is refused. */
    private static RoutingOptions set(RoutingOptions r, String flag, String value,
                                      Function<String, UnaryOperator<RoutingOptions>> change) {
        if (value == null) {
            return r;
        }
        try {
            return change.apply(value).apply(r);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": '" + value + "' is not valid: " + e.getMessage());
        }
    }

    private static <T> T parse(String flag, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            String why = String.valueOf(e.getMessage());
            // The options' own checks already name the setting: say it once.
            throw new IllegalArgumentException(why.startsWith(flag + ": ") ? why : flag + ": '" + value + "' is not valid: " + why);
        }
    }
}
