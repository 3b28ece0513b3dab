package io.wscluster.loadtest;

import java.util.List;
import java.util.Objects;

/**
 * A load test's settings. Immutable; build with {@link #builder()}; every default is a named
 * constant. A record so that it travels to worker processes as JSON unchanged.
 *
 * @param urls            target WebSocket URLs; connection {@code i} goes to {@code urls[i % n]}
 * @param scenario        what the virtual users do
 * @param connections     virtual users (one connection each)
 * @param connectRate     new connections per second while connecting
 * @param durationMillis  the measured phase, after every connection is open
 * @param rate            messages per second published in total (publishing scenarios)
 * @param publishers      connections that publish (taken from the first ones)
 * @param payloadSize     bytes of padding in each published message
 * @param rooms           rooms of the fanout and reconnect-storm scenarios
 * @param roomSize        members per room in the rooms scenario
 * @param churnRate       connections closed and reopened per second in the churn scenario
 * @param stormShare      share of subscribers dropped at once in the reconnect-storm scenario
 * @param encoding        {@code json} or {@code msgpack}
 * @param compression     offer permessage-deflate
 * @param jwtSecret       signs a token per virtual user ({@code sub} = {@code u<index>}); null: anonymous
 * @param sourceIps       local addresses to spread connections over (empty: the system chooses)
 * @param workers         processes to split the connections over; 0 chooses from the open-files limit
 * @param serverPids      processes of the system under test, for CPU per delivery
 * @param drainMillis     how long to wait after publishing stops for messages in flight
 * @param firstUser       index of this process's first virtual user (set for worker processes)
 * @param totalUsers      virtual users of the whole run, across processes (set for worker processes)
 */
public record LoadTestOptions(List<String> urls, Scenario scenario, int connections, int connectRate, long durationMillis,
                              int rate, int publishers, int payloadSize, int rooms, int roomSize, int churnRate,
                              double stormShare, String encoding, boolean compression, String jwtSecret,
                              List<String> sourceIps, int workers, List<Long> serverPids, long drainMillis,
                              int firstUser, int totalUsers) {
    public static final String DEFAULT_URL = "ws://127.0.0.1:8080/ws";
    public static final int DEFAULT_CONNECTIONS = 1000;
    public static final int DEFAULT_CONNECT_RATE = 2000;
    public static final long DEFAULT_DURATION_MILLIS = 60_000;
    public static final int DEFAULT_RATE = 100;
    public static final int DEFAULT_PUBLISHERS = 1;
    public static final int DEFAULT_PAYLOAD_SIZE = 100;
    public static final int DEFAULT_ROOMS = 1;
    public static final int DEFAULT_ROOM_SIZE = 10;
    public static final int DEFAULT_CHURN_RATE = 100;
    public static final double DEFAULT_STORM_SHARE = 0.5;
    public static final long DEFAULT_DRAIN_MILLIS = 2000;

    public LoadTestOptions {
        urls = List.copyOf(urls);
        sourceIps = List.copyOf(sourceIps);
        serverPids = List.copyOf(serverPids);
        Objects.requireNonNull(scenario, "scenario");
        check(!urls.isEmpty(), "url", urls, "at least one ws:// URL");
        for (String u : urls) {
            check(u.startsWith("ws://") || u.startsWith("wss://"), "url", u, "a ws:// or wss:// URL");
        }
        check(connections >= 1, "connections", connections, "at least 1");
        check(connectRate >= 1, "connect-rate", connectRate, "at least 1 per second");
        check(durationMillis >= 0, "duration", durationMillis + "ms", "0s or more");
        check(rate >= 0, "rate", rate, "0 or more per second");
        check(publishers >= 1 && publishers <= connections, "publishers", publishers, "1 to the number of connections");
        check(payloadSize >= 0 && payloadSize <= 16 * 1024 * 1024, "payload-size", payloadSize, "0 to 16MiB");
        check(rooms >= 1, "rooms", rooms, "at least 1");
        check(roomSize >= 1, "room-size", roomSize, "at least 1");
        check(churnRate >= 0, "churn-rate", churnRate, "0 or more per second");
        check(stormShare > 0 && stormShare <= 1, "storm-share", stormShare, "more than 0 and at most 1");
        check("json".equals(encoding) || "msgpack".equals(encoding), "encoding", encoding, "json or msgpack");
        check(workers >= 0, "workers", workers, "0 (automatic) or more");
        check(drainMillis >= 0, "drain", drainMillis + "ms", "0s or more");
        check(scenario != Scenario.P2P || jwtSecret != null, "jwt-secret", "none",
                "a secret: p2p sends to user ids, which only token-holding connections have");
        totalUsers = totalUsers == 0 ? connections : totalUsers;
    }

    private static void check(boolean ok, String option, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("--" + option + ": '" + value + "' is not valid, expected " + expected);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This run's share for one worker process: {@code count} users starting at {@code first}. */
    LoadTestOptions share(int first, int count) {
        return new LoadTestOptions(urls, scenario, count, Math.max(1, connectRate * count / connections), durationMillis,
                rate, publishers, payloadSize, rooms, roomSize, churnRate, stormShare, encoding, compression, jwtSecret,
                sourceIps, 1, serverPids, drainMillis, first, connections);
    }

    /** Builder with every default set. */
    public static final class Builder {
        private List<String> urls = List.of(DEFAULT_URL);
        private Scenario scenario = Scenario.IDLE;
        private int connections = DEFAULT_CONNECTIONS;
        private int connectRate = DEFAULT_CONNECT_RATE;
        private long durationMillis = DEFAULT_DURATION_MILLIS;
        private int rate = DEFAULT_RATE;
        private int publishers = DEFAULT_PUBLISHERS;
        private int payloadSize = DEFAULT_PAYLOAD_SIZE;
        private int rooms = DEFAULT_ROOMS;
        private int roomSize = DEFAULT_ROOM_SIZE;
        private int churnRate = DEFAULT_CHURN_RATE;
        private double stormShare = DEFAULT_STORM_SHARE;
        private String encoding = "json";
        private boolean compression;
        private String jwtSecret;
        private List<String> sourceIps = List.of();
        private int workers;
        private List<Long> serverPids = List.of();
        private long drainMillis = DEFAULT_DRAIN_MILLIS;

        public Builder urls(List<String> v) { urls = v; return this; }
        public Builder url(String v) { urls = List.of(v); return this; }
        public Builder scenario(Scenario v) { scenario = v; return this; }
        public Builder connections(int v) { connections = v; return this; }
        public Builder connectRate(int v) { connectRate = v; return this; }
        public Builder duration(java.time.Duration v) { durationMillis = v.toMillis(); return this; }
        public Builder rate(int v) { rate = v; return this; }
        public Builder publishers(int v) { publishers = v; return this; }
        public Builder payloadSize(int v) { payloadSize = v; return this; }
        public Builder rooms(int v) { rooms = v; return this; }
        public Builder roomSize(int v) { roomSize = v; return this; }
        public Builder churnRate(int v) { churnRate = v; return this; }
        public Builder stormShare(double v) { stormShare = v; return this; }
        public Builder encoding(String v) { encoding = v; return this; }
        public Builder compression(boolean v) { compression = v; return this; }
        public Builder msgpack() { encoding = "msgpack"; return this; }
        public Builder jwtSecret(String v) { jwtSecret = v; return this; }
        public Builder sourceIps(List<String> v) { sourceIps = v; return this; }
        public Builder workers(int v) { workers = v; return this; }
        public Builder serverPids(List<Long> v) { serverPids = v; return this; }
        public Builder drain(java.time.Duration v) { drainMillis = v.toMillis(); return this; }

        public LoadTestOptions build() {
            return new LoadTestOptions(urls, scenario, connections, connectRate, durationMillis, rate, publishers,
                    payloadSize, rooms, roomSize, churnRate, stormShare, encoding, compression, jwtSecret, sourceIps,
                    workers, serverPids, drainMillis, 0, 0);
        }
    }
}
