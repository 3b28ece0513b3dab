package io.wscluster.config;

import io.wscluster.NodeOptions;
import io.wscluster.failover.DrainOptions;
import io.wscluster.failover.FailoverOptions;
import io.wscluster.metrics.AlertRule;
import io.wscluster.metrics.MetricsOptions;
import io.wscluster.failover.FailoverStrategy;
import io.wscluster.history.HistoryOptions;
import io.wscluster.redis.BusOptions;
import io.wscluster.routing.AdaptiveWeights;
import io.wscluster.routing.Algorithm;
import io.wscluster.routing.RoutingOptions;
import io.wscluster.routing.ScalingAdvice;
import io.wscluster.routing.Stickiness;
import io.wscluster.security.AddressLimits;
import io.wscluster.security.ClientLimits;
import io.wscluster.security.ClientReach;
import io.wscluster.security.OverflowPolicy;
import io.wscluster.security.RoomAccess;
import io.wscluster.security.SecurityOptions;
import io.wscluster.security.UserLimits;
import io.wscluster.transport.TransportOptions;
import java.util.List;
import java.util.Optional;

/**
 * Every node setting, in one table. The YAML keys, the {@code WSC_} variables, the flags, the
 * {@code --help} text and {@code docs/configuration.md} all come from here.
 */
public final class Settings {
    public static final List<Setting> ALL = List.of(
            new Setting("host", TransportOptions.DEFAULT_HOST, "Interface to listen on.",
                    (b, v) -> b.transport(t -> t.host(v))),
            new Setting("port", String.valueOf(TransportOptions.DEFAULT_PORT), "TCP port for WebSocket and HTTP; 0 picks a free port.",
                    (b, v) -> b.transport(t -> t.port(Values.integer(v)))),
            new Setting("node-id", "generated", "This node's id, shown in welcome and /api/cluster.",
                    (b, v) -> b.nodeId(v)),
            new Setting("advertised-url", "ws://<host>:<port>/ws", "The WebSocket URL other parts use to reach this node.",
                    (b, v) -> b.transport(t -> t.advertisedUrl(v))),
            new Setting("public-url", "none", "The URL clients reach the cluster at (gateway, load balancer): reconnect frames point there,"
                    + " with the chosen node as a ?node= hint the gateway honours, not at a node's own address.",
                    (b, v) -> b.transport(t -> t.publicUrl(v))),
            new Setting("trusted-proxies", "none", "Proxies in front (the gateway, a load balancer) whose X-Forwarded-For names the"
                    + " client, as addresses or CIDR blocks: '10.0.0.0/8,192.168.1.7'. From others the header is ignored.",
                    (b, v) -> b.transport(t -> t.trustedProxies(Values.list(v)))),
            new Setting("jwt-secret", "none", "HMAC secret of user tokens, HS256/384/512 (the JWT 'sub' is the user id)."
                    + " Prefer WSC_JWT_SECRET or jwt-secret-file: ps shows flags.",
                    (b, v) -> b.security(t -> t.jwtSecret(v))),
            new Setting("jwt-secret-file", "none", "A file whose first line is jwt-secret.",
                    (b, v) -> b.security(t -> t.jwtSecret(Values.secretFile(v)))),
            new Setting("jwt-public-key-file", "none", "PEM file of the RSA or EC (P-256) public keys of RS256 or ES256 user tokens.",
                    (b, v) -> b.security(t -> t.jwtPublicKeys(Values.publicKeys(v)))),
            new Setting("jwt-jwks-url", "none", "JWKS URL whose keys verify RS256 and ES256 tokens by their 'kid'; refetched every"
                    + " jwt-jwks-refresh and, at most every 10s, when a token names an unknown key.",
                    (b, v) -> b.security(t -> t.jwtJwksUrl(Values.uri(v)))),
            new Setting("jwt-jwks-refresh", Values.text(SecurityOptions.DEFAULT_JWKS_REFRESH), "How often the JWKS is fetched again.",
                    (b, v) -> b.security(t -> t.jwksRefresh(Values.duration(v)))),
            new Setting("jwt-max-lifetime", "none", "Longest a token may still live when shown (tokens must then carry 'exp').",
                    (b, v) -> b.security(t -> t.jwtMaxLifetime(Values.duration(v)))),
            new Setting("jwt-leeway", Values.text(SecurityOptions.DEFAULT_JWT_LEEWAY), "Clock skew tolerated on a token's exp, nbf and iat.",
                    (b, v) -> b.security(t -> t.jwtLeeway(Values.duration(v)))),
            new Setting("jwt-issuer", "none", "The 'iss' every token must carry; none: not checked.",
                    (b, v) -> b.security(t -> t.jwtIssuer(v))),
            new Setting("jwt-audience", "none", "An 'aud' every token must include; none: not checked.",
                    (b, v) -> b.security(t -> t.jwtAudience(v))),
            new Setting("client-send", SecurityOptions.DEFAULT_CLIENT_SEND.wireName(), "Which clients may send to any user: off,"
                    + " authenticated or anyone. The HTTP API and the embedding API always may.",
                    (b, v) -> b.security(t -> t.clientSend(ClientReach.parse(v)))),
            new Setting("client-broadcast", SecurityOptions.DEFAULT_CLIENT_BROADCAST.wireName(), "Which clients may broadcast to every"
                    + " connection: off, authenticated or anyone. The HTTP API and the embedding API always may.",
                    (b, v) -> b.security(t -> t.clientBroadcast(ClientReach.parse(v)))),
            new Setting("room-subscribe", SecurityOptions.DEFAULT_ROOM_SUBSCRIBE.wireName(), "Who may subscribe to rooms of the default"
                    + " namespace: off, granted (the token's 'rooms' claim or a subscription token), authenticated or anyone.",
                    (b, v) -> b.security(t -> t.roomSubscribe(RoomAccess.parse(v)))),
            new Setting("room-publish", SecurityOptions.DEFAULT_ROOM_PUBLISH.wireName(), "Who may publish from a client into rooms of the"
                    + " default namespace: off, granted (the token's 'publish_rooms' claim), authenticated or anyone. The HTTP API always may.",
                    (b, v) -> b.security(t -> t.roomPublish(RoomAccess.parse(v)))),
            new Setting("room-history", "as room-subscribe", "Who may read the history of rooms of the default namespace.",
                    (b, v) -> b.security(t -> t.roomHistory(RoomAccess.parse(v)))),
            new Setting("room-presence", SecurityOptions.DEFAULT_ROOM_PRESENCE.wireName(), "Who may read the presence (user ids) of rooms"
                    + " of the default namespace.",
                    (b, v) -> b.security(t -> t.roomPresence(RoomAccess.parse(v)))),
            new Setting("overflow", OverflowPolicy.DISCONNECT.wireName(), "What a connection that reads too slowly gets of rooms of the"
                    + " default namespace: disconnect (1008 slow consumer), drop-oldest or latest-per-key (messages dropped, and a gap frame).",
                    (b, v) -> b.security(t -> t.overflow(OverflowPolicy.parse(v)))),
            new Setting("namespaces-file", "none", "YAML file of namespaces ('chat' for chat:general) and their rules: subscribe, publish,"
                    + " history, presence, track-presence, history-size, history-ttl, history-max-bytes, overflow. Rules left out are the room-* and history-* settings'.",
                    (b, v) -> b.security(t -> t.namespaces(NamespacesFile.read(v)))),
            new Setting("proxy-connect-url", "none", "The application's URL asked (JSON POST) whether a connection may open;"
                    + " it may name the user and grant rooms.",
                    (b, v) -> b.security(t -> t.proxyConnectUrl(Values.uri(v)))),
            new Setting("proxy-subscribe-url", "none", "The application's URL asked whether a client may subscribe, after the room rules.",
                    (b, v) -> b.security(t -> t.proxySubscribeUrl(Values.uri(v)))),
            new Setting("proxy-publish-url", "none", "The application's URL asked whether a client may publish, after the room rules.",
                    (b, v) -> b.security(t -> t.proxyPublishUrl(Values.uri(v)))),
            new Setting("proxy-timeout", Values.text(SecurityOptions.DEFAULT_PROXY_TIMEOUT), "Longest the application is waited for;"
                    + " then the request is refused (unavailable).",
                    (b, v) -> b.security(t -> t.proxyTimeout(Values.duration(v)))),
            new Setting("proxy-max-in-flight", String.valueOf(SecurityOptions.DEFAULT_PROXY_MAX_IN_FLIGHT), "Questions to the"
                    + " application at once at most; beyond, requests are refused (unavailable).",
                    (b, v) -> b.security(t -> t.proxyMaxInFlight(Values.integer(v)))),
            new Setting("max-subscriptions", String.valueOf(ClientLimits.DEFAULT_MAX_SUBSCRIPTIONS), "Rooms one connection may be"
                    + " subscribed to at once; beyond, subscribe answers rate_limited.",
                    (b, v) -> b.security(t -> t.maxSubscriptions(Values.integer(v)))),
            new Setting("max-pending-requests", String.valueOf(ClientLimits.DEFAULT_MAX_PENDING), "Requests other than subscribe one"
                    + " connection may have awaiting an answer (history, presence, publish acks, ops); beyond, rate_limited. 0: no limit.",
                    (b, v) -> b.security(t -> t.maxPendingRequests(Values.integer(v)))),
            new Setting("client-publish-rate", String.valueOf(ClientLimits.DEFAULT_PUBLISH_RATE), "Messages a second one connection may"
                    + " publish, send or broadcast (a burst of twice that); beyond, rate_limited; ten times over, close 1008. 0: no limit.",
                    (b, v) -> b.security(t -> t.clientPublishRate(Values.integer(v)))),
            new Setting("client-publish-bytes", Values.sizeText(ClientLimits.DEFAULT_PUBLISH_BYTES_RATE), "Bytes a second one connection"
                    + " may publish, send or broadcast (a burst of twice that); beyond, rate_limited. 0: no limit.",
                    (b, v) -> b.security(t -> t.clientPublishBytes(Values.size(v)))),
            new Setting("max-connections-per-address", String.valueOf(AddressLimits.DEFAULT_MAX_CONNECTIONS), "Connections one source"
                    + " address (after trusted-proxies; an IPv6 /64) may hold at once; beyond, closed at accept or refused with 429."
                    + " 0: no limit.",
                    (b, v) -> b.security(t -> t.maxConnectionsPerAddress(Values.integer(v)))),
            new Setting("connection-rate-per-address", String.valueOf(AddressLimits.DEFAULT_NEW_PER_SECOND), "New WebSocket connections"
                    + " one source address may open a second (a bucket of that many); beyond, 429 with Retry-After. 0: no limit.",
                    (b, v) -> b.security(t -> t.connectionRatePerAddress(Values.integer(v)))),
            new Setting("address-limit-exempt", String.join(",", AddressLimits.DEFAULT_EXEMPT), "Addresses and CIDR blocks the"
                    + " per-address limits leave alone (a load generator or proxy on this host); none: every address is limited.",
                    (b, v) -> b.security(t -> t.addressLimitExempt(Values.listOrNone(v)))),
            new Setting("max-connections-per-user", String.valueOf(UserLimits.DEFAULT_MAX_CONNECTIONS), "Connections one user (a token's"
                    + " sub) may hold on this node; beyond, 429. Anonymous connections fall under the address limits. 0: no limit.",
                    (b, v) -> b.security(t -> t.maxConnectionsPerUser(Values.integer(v)))),
            new Setting("user-publish-rate", String.valueOf(UserLimits.DEFAULT_PUBLISH_RATE), "Messages a second one user may publish,"
                    + " send or broadcast on this node over all its connections (a burst of twice that); beyond, rate_limited. 0: no limit.",
                    (b, v) -> b.security(t -> t.userPublishRate(Values.integer(v)))),
            new Setting("client-rooms-per-minute", String.valueOf(ClientLimits.DEFAULT_ROOMS_PER_MINUTE), "Distinct rooms one connection"
                    + " may subscribe to, publish into (unsubscribed) or read the history of in any minute, each of which makes Redis keep"
                    + " the room's keys; beyond, rate_limited. 0: no limit.",
                    (b, v) -> b.security(t -> t.clientRoomsPerMinute(Values.integer(v)))),
            new Setting("allow-anonymous", "true without a JWT key, false with one", "Accept connections without a token as anonymous users.",
                    (b, v) -> b.security(t -> t.allowAnonymous(Values.bool(v)))),
            new Setting("admin-host", TransportOptions.DEFAULT_ADMIN_HOST, "Interface of the operator listener (/api/*, /admin/*,"
                    + " /metrics). Callers from elsewhere than loopback need api-key or admin-key.",
                    (b, v) -> b.transport(t -> t.adminHost(v))),
            new Setting("admin-port", "<port>+" + TransportOptions.ADMIN_PORT_OFFSET, "Port of the operator listener; 0 picks a free port"
                    + " (as does the default when port is 0).",
                    (b, v) -> b.transport(t -> t.adminPort(Values.integer(v)))),
            new Setting("agent-port", "none", "Port of an HAProxy agent-check listener on admin-host: it answers 'ready up N%' (N the"
                    + " node's adaptive score) while active, 'drain' while starting, draining or fenced; 0 picks a free port.",
                    (b, v) -> b.transport(t -> t.agentPort(Values.integer(v)))),
            new Setting("allowed-origins", "none (same origin only)", "Origins of other sites whose pages may open a WebSocket here,"
                    + " comma-separated, * as a wildcard: 'https://app.example.com,https://*.example.com'; * alone allows any.",
                    (b, v) -> b.transport(t -> t.allowedOrigins(Values.list(v)))),
            new Setting("page", String.valueOf(TransportOptions.DEFAULT_PAGE), "Serve the demo page, and the cluster view it shows,"
                    + " on the public port.",
                    (b, v) -> b.transport(t -> t.page(Values.bool(v)))),
            new Setting("api-key", "none", "Bearer key of the publish API (/api/publish, send, broadcast) and the read-only operator"
                    + " endpoints; none: callers on loopback only. Prefer WSC_API_KEY or api-key-file: ps shows flags.",
                    (b, v) -> b.security(t -> t.apiKey(v))),
            new Setting("api-key-file", "none", "A file whose first line is api-key.",
                    (b, v) -> b.security(t -> t.apiKey(Values.secretFile(v)))),
            new Setting("admin-key", "none", "Bearer key of /admin/* (drain, shed), also accepted by the read-only operator endpoints;"
                    + " none: callers on loopback only. Prefer WSC_ADMIN_KEY or admin-key-file.",
                    (b, v) -> b.security(t -> t.adminKey(v))),
            new Setting("admin-key-file", "none", "A file whose first line is admin-key.",
                    (b, v) -> b.security(t -> t.adminKey(Values.secretFile(v)))),
            new Setting("tls-cert-file", "none", "PEM certificate chain (leaf first) of both listeners: wss:// and https://."
                    + " Reloaded when it changes.",
                    (b, v) -> b.transport(t -> t.tls(tls -> tls.withCertFile(Values.path(v))))),
            new Setting("tls-key-file", "none", "PEM private key (PKCS#8, unencrypted) of tls-cert-file. Reloaded when it changes.",
                    (b, v) -> b.transport(t -> t.tls(tls -> tls.withKeyFile(Values.path(v))))),
            new Setting("tls-self-signed", "false", "TLS with a certificate made at start, for development only.",
                    (b, v) -> b.transport(t -> t.tls(tls -> tls.withSelfSigned(Values.bool(v))))),
            new Setting("request-timeout", Values.text(TransportOptions.DEFAULT_REQUEST_TIMEOUT), "Longest a new connection may take to send"
                    + " its first complete request (the WebSocket upgrade included), against slowloris.",
                    (b, v) -> b.transport(t -> t.requestTimeout(Values.duration(v)))),
            new Setting("idle-timeout", Values.text(TransportOptions.DEFAULT_IDLE_TIMEOUT), "Longest an HTTP connection that has not"
                    + " upgraded may wait between two requests.",
                    (b, v) -> b.transport(t -> t.idleTimeout(Values.duration(v)))),
            new Setting("max-requests-per-connection", String.valueOf(TransportOptions.DEFAULT_MAX_REQUESTS_PER_CONNECTION), "HTTP"
                    + " requests one keep-alive connection may carry; then it is closed.",
                    (b, v) -> b.transport(t -> t.maxRequestsPerConnection(Values.integer(v)))),
            new Setting("max-connections", String.valueOf(TransportOptions.DEFAULT_MAX_CONNECTIONS), "Connections a node holds before it"
                    + " refuses new upgrades with 503 and Retry-After (it keeps serving its clients; the gateway tries another node).",
                    (b, v) -> b.transport(t -> t.maxConnections(Values.integer(v)))),
            new Setting("shed-heap-percent", String.valueOf(TransportOptions.DEFAULT_SHED_HEAP_PERCENT), "Heap left by the last garbage"
                    + " collection, in percent of -Xmx, above which new upgrades are refused with 503 (until it is 10 points lower); 0: never.",
                    (b, v) -> b.transport(t -> t.shedHeapPercent(Values.integer(v)))),
            new Setting("max-frame-size", Values.sizeText(TransportOptions.DEFAULT_MAX_FRAME_SIZE), "Largest WebSocket message and HTTP body accepted.",
                    (b, v) -> b.transport(t -> t.maxFrameSize(Values.size(v)))),
            new Setting("ping-interval", Values.text(TransportOptions.DEFAULT_PING_INTERVAL), "WebSocket ping interval; connections silent for two intervals are closed.",
                    (b, v) -> b.transport(t -> t.pingInterval(Values.duration(v)))),
            new Setting("outbound-buffer-limit", Values.sizeText(TransportOptions.DEFAULT_OUTBOUND_BUFFER_LIMIT), "Bytes queued for a client that does not read before it is closed as a slow consumer (1008).",
                    (b, v) -> b.transport(t -> t.outboundBufferLimit(Values.size(v)))),
            new Setting("history-size", String.valueOf(HistoryOptions.DEFAULT_SIZE), "Messages kept per room for recovery and history; 0 keeps none.",
                    (b, v) -> b.history(h -> h.size(Values.integer(v)))),
            new Setting("history-ttl", Values.text(HistoryOptions.DEFAULT_TTL), "How long an idle room's history is kept.",
                    (b, v) -> b.history(h -> h.ttl(Values.duration(v)))),
            new Setting("history-max-bytes", String.valueOf(HistoryOptions.DEFAULT_MAX_BYTES), "Bytes of messages kept per room at most,"
                    + " oldest dropped first (the newest always stays); 0: no byte cap, history-size alone.",
                    (b, v) -> b.history(h -> h.maxBytes(Values.size(v)))),
            new Setting("recovery-cache", String.valueOf(HistoryOptions.DEFAULT_RECOVERY_CACHE),
                    "Recent room messages a node keeps (over all its rooms, at most history-size or " + HistoryOptions.RECOVERY_CACHE_PER_ROOM + " per room) to answer"
                            + " a subscribe with since without reading the history; 0 keeps none.",
                    (b, v) -> b.history(h -> h.recoveryCache(Values.integer(v)))),
            new Setting("recovery-cache-bytes", Values.sizeText(HistoryOptions.DEFAULT_RECOVERY_CACHE_BYTES),
                    "Bytes the recovery cache may hold over all rooms (each message counted as its data's JSON size twice plus 200);"
                            + " the oldest go first; 0 keeps none.",
                    (b, v) -> b.history(h -> h.recoveryCacheBytes(Values.size(v)))),
            new Setting("shutdown-timeout", Values.text(DrainOptions.DEFAULT_SHUTDOWN_TIMEOUT), "Longest a graceful stop waits for clients to leave.",
                    (b, v) -> b.drain(d -> d.shutdownTimeout(Values.duration(v)))),
            new Setting("compression", String.valueOf(TransportOptions.DEFAULT_COMPRESSION), "Offer permessage-deflate to clients that ask for it.",
                    (b, v) -> b.transport(t -> t.compression(Values.bool(v)))),
            new Setting("io-threads", String.valueOf(TransportOptions.DEFAULT_IO_THREADS), "Event-loop threads; 0 is one per core.",
                    (b, v) -> b.transport(t -> t.ioThreads(Values.integer(v)))),
            new Setting("capacity", String.valueOf(NodeOptions.DEFAULT_CAPACITY), "Connections this node declares it can hold (for routing and status).",
                    (b, v) -> b.capacity(Values.integer(v))),
            new Setting("redis", "none", "Redis to form a cluster over (also REDIS_URL): redis://host:port,"
                    + " redis-cluster://host:port[,host:port...] for a Redis Cluster, or redis-sentinel://host:port[,host:port...]#master"
                    + " for a master that Sentinel fails over (rediss://, rediss-cluster://, rediss-sentinel:// for TLS);"
                    + " none runs on the embedded bus.",
                    (b, v) -> b.bus(bus -> bus.redisUrl(v))),
            new Setting("cluster", BusOptions.DEFAULT_CLUSTER, "The cluster's name: the namespace of its Redis keys.",
                    (b, v) -> b.bus(bus -> bus.cluster(v))),
            new Setting("heartbeat", Values.text(BusOptions.DEFAULT_HEARTBEAT), "How often a node reports itself; three missed heartbeats mark it failed.",
                    (b, v) -> b.bus(bus -> bus.heartbeat(Values.duration(v)))),
            new Setting("redis-retry", String.valueOf(BusOptions.DEFAULT_REDIS_RETRY), "Retry with backoff when Redis is unreachable at start (false: stop).",
                    (b, v) -> b.bus(bus -> bus.redisRetry(Values.bool(v)))),
            new Setting("region", "none", "The region this node declares, for routing.",
                    (b, v) -> b.region(v)),
            new Setting("bus-batch-size", String.valueOf(BusOptions.DEFAULT_BATCH_SIZE), "Bus commands sent to Redis in one write at most; 1 sends each at once.",
                    (b, v) -> b.bus(bus -> bus.batchSize(Values.integer(v)))),
            new Setting("bus-batch-delay", Values.text(BusOptions.DEFAULT_BATCH_DELAY), "Longest a bus command waits for its batch; high and critical messages never wait.",
                    (b, v) -> b.bus(bus -> bus.batchDelay(Values.duration(v)))),
            new Setting("bus-max-in-flight", String.valueOf(BusOptions.DEFAULT_MAX_IN_FLIGHT), "Unanswered bus commands beyond which low-priority messages are refused.",
                    (b, v) -> b.bus(bus -> bus.maxInFlight(Values.integer(v)))),
            new Setting("ack-replicas", "0", "Replicas that must hold a room message before it is acknowledged (Redis WAIT, at most 1 s, else"
                    + " outcome_unknown); 0 acknowledges once the master stored it.",
                    (b, v) -> b.bus(bus -> bus.ackReplicas(Values.integer(v)))),
            new Setting("session-ttl", Values.text(FailoverOptions.DEFAULT.sessionTtl()), "How long a session's rooms and positions are kept after its connection ends, for a resume with ?session=.",
                    (b, v) -> b.failover(f -> f.withSessionTtl(Values.duration(v)))),
            new Setting("drain-batch", String.valueOf(DrainOptions.DEFAULT_BATCH), "Connections per event loop a drain sends away per step.",
                    (b, v) -> b.drain(d -> d.batch(Values.integer(v)))),
            new Setting("drain-pace", Values.text(DrainOptions.DEFAULT_PACE), "Time between two drain steps.",
                    (b, v) -> b.drain(d -> d.pace(Values.duration(v)))),
            new Setting("drain-timeout", Values.text(DrainOptions.DEFAULT_TIMEOUT), "Longest a drain lasts; then the node stops, cutting what is left.",
                    (b, v) -> b.drain(d -> d.timeout(Values.duration(v)))),
            new Setting("failover-strategy", FailoverOptions.DEFAULT.strategy().wireName(), "How a failed node's sessions are moved: immediate, graceful (paced) or delayed (after failover-grace).",
                    (b, v) -> b.failover(f -> f.withStrategy(FailoverStrategy.parse(v)))),
            new Setting("failover-grace", Values.text(FailoverOptions.DEFAULT.grace()), "With failover-strategy delayed: how long to wait for a failed node to come back.",
                    (b, v) -> b.failover(f -> f.withGrace(Values.duration(v)))),
            new Setting("failover-batch", String.valueOf(FailoverOptions.DEFAULT.batch()), "With failover-strategy graceful: sessions moved per step.",
                    (b, v) -> b.failover(f -> f.withBatch(Values.integer(v)))),
            new Setting("failover-pace", Values.text(FailoverOptions.DEFAULT.pace()), "With failover-strategy graceful: time between two steps.",
                    (b, v) -> b.failover(f -> f.withPace(Values.duration(v)))),
            new Setting("failover-retries", String.valueOf(FailoverOptions.DEFAULT.attempts()), "Attempts of each Redis step of a failover before it fails and another node tries.",
                    (b, v) -> b.failover(f -> f.withRetry(f.retry(), Values.integer(v)))),
            new Setting("failover-backoff", Values.text(FailoverOptions.DEFAULT.retry().initial()), "First wait between attempts of a failover's Redis step; it doubles, with jitter, up to 25 times this.",
                    (b, v) -> b.failover(f -> f.withRetry(FailoverOptions.backoffFrom(Values.duration(v)), f.attempts()))),
            new Setting("failover-lease", Values.text(FailoverOptions.DEFAULT.leaseTtl()), "How long the node running a failover holds it without renewing (every third of it):"
                    + " a coordinator that dies is replaced after at most this long.",
                    (b, v) -> b.failover(f -> f.withLeaseTtl(Values.duration(v)))),
            new Setting("algorithm", RoutingOptions.DEFAULT.algorithm().wireName(), "How /api/route and the gateway place new connections: "
                    + Algorithm.names() + ".",
                    (b, v) -> b.routing(r -> r.withAlgorithm(Algorithm.parse(v)))),
            new Setting("adaptive-weights", RoutingOptions.DEFAULT.weights().toString(), "Weights of the adaptive score: free capacity, CPU, memory, errors, throughput headroom.",
                    (b, v) -> b.routing(r -> r.withWeights(AdaptiveWeights.parse(v)))),
            new Setting("sticky", RoutingOptions.DEFAULT.stickiness().wireName(), "Keep returning clients on their node by: none, user, session, ip, key or region.",
                    (b, v) -> b.routing(r -> r.withStickiness(Stickiness.parse(v)))),
            new Setting("sticky-ttl", Values.text(RoutingOptions.DEFAULT.stickyTtl()), "How long an unused sticky mapping is kept.",
                    (b, v) -> b.routing(r -> r.withStickyTtl(Values.duration(v)))),
            new Setting("sticky-key", RoutingOptions.DEFAULT.stickyKey(), "Query parameter whose value is hashed onto the nodes with sticky=key.",
                    (b, v) -> b.routing(r -> r.withStickyKey(v))),
            new Setting("region-neighbors", "none", "Nearest regions first, for sticky=region: 'eu-west:eu-central,us-east;us-east:eu-west'.",
                    (b, v) -> b.routing(r -> r.withRegionNeighbors(v))),
            new Setting("imbalance-threshold", String.valueOf(RoutingOptions.DEFAULT.imbalanceThreshold()), "Spread of load across nodes above which the cluster is imbalanced (1 = one fair share).",
                    (b, v) -> b.routing(r -> r.withImbalanceThreshold(Values.decimal(v)))),
            new Setting("scale-up-threshold", String.valueOf(ScalingAdvice.DEFAULT.up()), "Cluster utilisation (the mean over active"
                    + " nodes of the higher of connections over capacity and CPU) above which the autoscaling advice asks for more nodes.",
                    (b, v) -> b.routing(r -> r.withScaling(new ScalingAdvice(Values.decimal(v), r.scaling().down())))),
            new Setting("scale-down-threshold", String.valueOf(ScalingAdvice.DEFAULT.down()), "Cluster utilisation below which the"
                    + " autoscaling advice asks for fewer nodes; between the two it keeps the count (hysteresis).",
                    (b, v) -> b.routing(r -> r.withScaling(new ScalingAdvice(r.scaling().up(), Values.decimal(v))))),
            new Setting("metrics-history", Values.text(MetricsOptions.DEFAULT.window()), "How far back each node keeps its key figures"
                    + " for /api/metrics/history and the dashboard.",
                    (b, v) -> b.metrics(m -> m.withWindow(Values.duration(v)))),
            new Setting("metrics-resolution", Values.text(MetricsOptions.DEFAULT.resolution()), "One sample of the key figures per this long.",
                    (b, v) -> b.metrics(m -> m.withResolution(Values.duration(v)))),
            new Setting("alert-rules", "default", "Alert rules, separated by ';': '[name:] figure op threshold [for 30s]"
                    + " [info|warning|critical]'; 'default' stands for the shipped rules, 'none' for none.",
                    (b, v) -> b.metrics(m -> m.withRules(AlertRule.parseAll(v)))),
            new Setting("metrics-interval", Values.text(MetricsOptions.DEFAULT.interval()), "How often each node takes fresh figures:"
                    + " checks its alert rules against them and publishes them to the room wsc:metrics (the dashboard's live view).",
                    (b, v) -> b.metrics(m -> m.withInterval(Values.duration(v)))));

    /** The CA file of the command-line tools' calls to operator listeners ({@code wsc status --ca-file}). */
    public static final String CA_FILE_VARIABLE = "WSC_CA_FILE";

    /**
     * {@code WSC_} variables of the command-line tools, not node settings: a node leaves them
     * alone, so that one shell may hold both.
     */
    public static final java.util.Set<String> TOOL_VARIABLES = java.util.Set.of(CA_FILE_VARIABLE, "WSC_LOG_FORMAT", "WSC_LOG_LEVEL");

    /** Variables read besides the WSC_ ones, weaker than them: REDIS_URL is what every Redis tool reads. */
    public static final java.util.Map<String, String> ALIASES = java.util.Map.of("REDIS_URL", "redis");

    private Settings() {
    }

    public static Optional<Setting> byName(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public static Optional<Setting> byEnvName(String env) {
        return ALL.stream().filter(s -> s.envName().equals(env)).findFirst();
    }
}
