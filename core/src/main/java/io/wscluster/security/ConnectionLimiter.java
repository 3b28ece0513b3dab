package io.wscluster.security;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Who may open a connection, on a node and on the gateway alike: at most {@link
 * AddressLimits#maxConnections()} at once and {@link AddressLimits#newPerSecond()} new WebSocket
 * connections a second per source address, and on a node at most {@link UserLimits#maxConnections()}
 * per user. Each connection carries a {@link Ticket} through these steps:
 *
 * <ol>
 *   <li>at accept, before any byte is read, it is counted under its peer's address, and over the
 *       cap the socket is to be closed at once: a host cannot hold many silent sockets. A trusted
 *       proxy's address is never counted there: it carries many clients;
 *   <li>at the upgrade, the client's address after trusted-proxy handling is known: a connection
 *       that came through a trusted proxy is counted under the client it names (refused with 429
 *       over the cap), and every upgrade takes a token of its address's bucket (429 when empty);
 *   <li>on a node, once the user is known (a token, or the connect proxy's answer), it is counted
 *       under the user (429 over the cap);
 *   <li>when the connection closes, the ticket gives back all it holds.
 * </ol>
 *
 * <p>So a connection is counted once under its address, as best known. Addresses of {@link
 * AddressLimits#exempt()} and trusted proxies are never limited. An IPv6 client is counted by its
 * /64, the block one host is usually given and can fill with addresses at will. Every refusal is
 * reported to {@code refusals} by its reason ({@link #ADDRESS_CONNECTIONS}, {@link #ADDRESS_RATE},
 * {@link #USER_CONNECTIONS}), for the metrics.
 *
 * <p>Thread-safe; a ticket belongs to one connection and is used on its event loop only.
 */
public final class ConnectionLimiter {
    public static final String ADDRESS_CONNECTIONS = "address-connections";
    public static final String ADDRESS_RATE = "address-rate";
    public static final String USER_CONNECTIONS = "user-connections";
    public static final String ADDRESS_ABUSE = "address-abuse";
    /** What a client refused for holding too many connections is told to wait: until some of them close, which nobody knows. */
    static final int RETRY_AFTER_FULL_SECONDS = 5;

    /** Why a connection is refused: the reason the metrics count, what the client is told, and when to try again. */
    public record Refusal(String reason, String message, int retryAfterSeconds) {
    }

    private final AddressLimits addressLimits;
    private final int maxPerUser;
    private final TrustedProxies proxies;
    private final AddressBlocks exempt;
    private final Consumer<String> refusals;
    private final ConnectionCounts addresses = new ConnectionCounts();
    private final ConnectionCounts users = new ConnectionCounts();
    /** Null when new connections are not limited. */
    private final RateBuckets newConnections;
    private final AbusePenalties penalties = new AbusePenalties();

    public ConnectionLimiter(AddressLimits addressLimits, UserLimits userLimits, TrustedProxies proxies, Consumer<String> refusals) {
        this.addressLimits = addressLimits;
        this.maxPerUser = userLimits.maxConnections();
        this.proxies = proxies;
        this.exempt = new AddressBlocks("address-limit-exempt", addressLimits.exempt());
        this.refusals = refusals;
        int rate = addressLimits.newPerSecond();
        this.newConnections = rate > 0 ? new RateBuckets(rate, rate, RateBuckets.DEFAULT_MAX_KEYS) : null;
    }

    /**
     * A new connection from {@code peer}, before it has sent anything: its ticket, or null when the
     * address holds as many connections as it may (close the socket at once; the refusal is counted).
     */
    public Ticket accept(String peer) {
        if (addressLimits.maxConnections() == 0 || !limited(peer)) {
            return new Ticket(null);
        }
        String key = addressKey(peer);
        if (penalties.secondsLeft(key) > 0) {
            refusals.accept(ADDRESS_ABUSE);
            return null;
        }
        if (!addresses.tryAcquire(key, addressLimits.maxConnections())) {
            refusals.accept(ADDRESS_CONNECTIONS);
            return null;
        }
        return new Ticket(key);
    }

    private boolean limited(String ip) {
        return ip != null && !exempt.contains(ip) && !proxies.trusts(ip);
    }

    private Refusal refuse(String reason, String message, int retryAfterSeconds) {
        refusals.accept(reason);
        return new Refusal(reason, message, retryAfterSeconds);
    }

    /** What an address is counted under: an IPv4 address in its usual spelling, an IPv6 address's /64, else the text as given. */
    static String addressKey(String ip) {
        byte[] a = AddressBlocks.literal(ip);
        if (a == null) {
            return ip;
        }
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        }
        byte[] prefix = Arrays.copyOf(a, 8);
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            key.append(Integer.toHexString((prefix[i] & 0xff) << 8 | prefix[i + 1] & 0xff)).append(':');
        }
        return key.append(":/64").toString();
    }

    /** What one connection holds: confined to its event loop; {@link #release()} when it closes. */
    public final class Ticket {
        /** The address key this connection is counted under; null: none. */
        private String address;
        private String user;
        private boolean released;

        private Ticket(String address) {
            this.address = address;
        }

        /**
         * At the upgrade, with the client's address after trusted-proxy handling: null when the
         * connection may go on, else why not (answer 429). A connection not yet counted under that
         * address is counted now. A released ticket (its connection is gone) admits without counting.
         */
        public Refusal admitAddress(String client) {
            if (released || !limited(client)) {
                return null;
            }
            String key = addressKey(client);
            long penalty = penalties.secondsLeft(key);
            if (penalty > 0) {
                return refuse(ADDRESS_ABUSE, "a connection from your address was closed for abuse: wait", (int) penalty);
            }
            int max = addressLimits.maxConnections();
            if (max > 0 && !key.equals(address)) {
                if (!addresses.tryAcquire(key, max)) {
                    return refuse(ADDRESS_CONNECTIONS, "too many connections from your address: at most " + max
                            + " at once (max-connections-per-address)", RETRY_AFTER_FULL_SECONDS);
                }
                if (address != null) {
                    addresses.release(address); // a proxy's keep-alive connection that now carries another client
                }
                address = key;
            }
            long waitNanos = newConnections == null ? 0 : newConnections.tryTake(key);
            if (waitNanos > 0) {
                return refuse(ADDRESS_RATE, "too many new connections from your address: at most " + addressLimits.newPerSecond()
                        + " a second (connection-rate-per-address)", (int) Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L));
            }
            return null;
        }

        /** At the upgrade, once the user is known (null: anonymous, not limited): null when it may go on, else why not (429). */
        public Refusal admitUser(String userId) {
            if (released || userId == null || maxPerUser == 0 || userId.equals(user)) {
                return null;
            }
            if (!users.tryAcquire(userId, maxPerUser)) {
                return refuse(USER_CONNECTIONS, "too many connections of this user on this node: at most " + maxPerUser
                        + " (max-connections-per-user)", RETRY_AFTER_FULL_SECONDS);
            }
            if (user != null) {
                users.release(user);
            }
            user = userId;
            return null;
        }

        /** The connection is being closed for abuse: its address opens none for a while ({@link AbusePenalties}; exempt ones and proxies never). */
        public void abusive() {
            if (address != null) {
                penalties.offended(address);
            }
        }

        /** The connection closed: gives back what it held. Idempotent. */
        public void release() {
            if (released) {
                return;
            }
            released = true;
            if (address != null) {
                addresses.release(address);
            }
            if (user != null) {
                users.release(user);
            }
        }
    }
}
