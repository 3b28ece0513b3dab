package io.wscluster.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback between a node and its Redis (or any two ends), for fault tests: it
 * passes bytes, or holds them, drops them, delays them, or resets every connection through it.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.to(redis.port())) {
 *     node options: redis-url = proxy.url()
 *     proxy.blackhole();              // nothing passes either way, connections stay up
 *     proxy.pass();                   // bytes flow again, the held ones first
 *     proxy.resetAll();               // every connection through it ends with a reset
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link Mode#PASS}: bytes go through as they come;</li>
 *   <li>{@link Mode#BLACKHOLE}: nothing is read or forwarded, either way, and new connections get
 *       no upstream; bytes wait in the sockets' buffers and go on when the mode turns back to pass,
 *       as after a network partition that heals (the peers see silence, never a close);</li>
 *   <li>{@link Mode#DISCARD}: bytes are read and thrown away, either way: a link that seems up and
 *       loses everything (a half-open connection);</li>
 *   <li>{@link Mode#DELAY}: each chunk goes on {@link #delay} after it was read.</li>
 * </ul>
 *
 * <p>Loopback only; a thread per direction of each connection, which suits the few links a test
 * makes. {@link #close()} resets every connection and stops listening.
 */
public final class FaultProxy implements AutoCloseable {
    public enum Mode { PASS, BLACKHOLE, DISCARD, DELAY }

    private final ServerSocket listener;
    private final int upstreamPort;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private volatile Mode mode = Mode.PASS;
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean closed;

    private FaultProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "fault-proxy-" + listener.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** A proxy to {@code 127.0.0.1:upstreamPort}, passing bytes. */
    public static FaultProxy to(int upstreamPort) throws IOException {
        return new FaultProxy(upstreamPort);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code redis://127.0.0.1:<port>}: a Redis URL through this proxy. */
    public String url() {
        return "redis://127.0.0.1:" + port();
    }

    /** Connections accepted so far (reconnects show here). */
    public long connections() {
        return connections.get();
    }

    public Mode mode() {
        return mode;
    }

    public void pass() {
        setMode(Mode.PASS);
    }

    public void blackhole() {
        setMode(Mode.BLACKHOLE);
    }

    public void discard() {
        setMode(Mode.DISCARD);
    }

    /** Every chunk goes on {@code by} after it was read. */
    public void delay(Duration by) {
        this.delay = by;
        setMode(Mode.DELAY);
    }

    private synchronized void setMode(Mode m) {
        mode = m;
        notifyAll(); // wakes the pumps a blackhole holds
    }

    /** Ends every connection through the proxy with a reset, as a crashed peer or a middlebox would; new ones are taken as the mode says. */
    public void resetAll() {
        for (Link l : links) {
            l.reset();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        resetAll();
        setMode(Mode.PASS);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> open(client), "fault-proxy-link");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Connects the upstream side (once the mode lets bytes through) and starts both pumps. */
    private void open(Socket client) {
        try {
            awaitNotBlackholed();
            Socket upstream = new Socket();
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5000);
            Link link = new Link(client, upstream);
            links.add(link);
            if (closed) {
                link.reset();
                return;
            }
            link.start();
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    private synchronized void awaitNotBlackholed() throws InterruptedException {
        while (mode == Mode.BLACKHOLE && !closed) {
            wait();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** One connection through the proxy: a pump each way. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            pump(client, upstream, "up");
            pump(upstream, client, "down");
        }

        private void pump(Socket from, Socket to, String way) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16 * 1024];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    while (true) {
                        awaitNotBlackholed();
                        int n = in.read(buf);
                        if (n < 0) {
                            break;
                        }
                        long readAt = System.nanoTime();
                        awaitNotBlackholed(); // a chunk read just before a blackhole is held, not sent
                        Mode m = mode;
                        if (m == Mode.DISCARD) {
                            continue;
                        }
                        if (m == Mode.DELAY) {
                            long wait = delay.toNanos() - (System.nanoTime() - readAt);
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                        }
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // reset, or closed at the other side
                } finally {
                    close();
                }
            }, "fault-proxy-" + way);
            t.setDaemon(true);
            t.start();
        }

        /** Both sockets closed with a reset (SO_LINGER 0). */
        void reset() {
            for (Socket s : new Socket[] {client, upstream}) {
                try {
                    s.setSoLinger(true, 0);
                } catch (SocketException ignored) {
                    // already closed
                }
            }
            close();
        }

        private void close() {
            links.remove(this);
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }
}
