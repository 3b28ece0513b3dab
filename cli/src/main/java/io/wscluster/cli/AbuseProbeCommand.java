package io.wscluster.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.codec.Encoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wsc abuse-probe}: one abusive client, for bench/abuse.sh, which measures what honest
 * clients keep of their latency meanwhile. From one source address, three floods at once, each on
 * a connection of its own and reconnecting whenever the node closes it, until the time is up: pings
 * whose pongs are never read; subscribes to ever new rooms; publishes as fast as the socket takes
 * them. Frames are written raw ({@link RawWebSocket}), several to a write. Writes a JSON report
 * of what it sent and how often the node refused or closed it. Send it only to your own nodes.
 */
@Command(name = "abuse-probe", mixinStandardHelpOptions = true,
        description = "Benchmark helper: one abusive client (a ping flood, a subscribe flood and a publish flood, each reconnecting"
                + " when closed) against your own node, for the given time; reports what it sent and how the node answered.")
public final class AbuseProbeCommand implements Callable<Integer> {
    private static final int FRAMES_PER_WRITE = 50;

    @Option(names = "--url", required = true, paramLabel = "<ws-url>", description = "The node's WebSocket URL.")
    URI url;

    @Option(names = "--source", defaultValue = "127.0.0.2", paramLabel = "<address>",
            description = "Local address the floods connect from (127.0.0.2 and up reach loopback on Linux). Default: ${DEFAULT-VALUE}.")
    String source;

    @Option(names = "--duration", defaultValue = "30s", paramLabel = "<duration>", description = "Default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = "--report-json", required = true, paramLabel = "<file>")
    Path report;

    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong closedByNode = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();

    @Override
    public Integer call() throws Exception {
        long deadline = System.nanoTime() + io.wscluster.config.Values.duration(duration).toNanos();
        List<Thread> floods = List.of(
                flood("pings", deadline, i -> RawWebSocket.ping()),
                flood("subscribes", deadline, i -> RawWebSocket.text("{\"op\":\"subscribe\",\"id\":" + i + ",\"room\":\"abuse-" + i + "\"}")),
                flood("publishes", deadline, i -> RawWebSocket.text("{\"op\":\"publish\",\"id\":" + i + ",\"room\":\"abuse\",\"data\":\""
                        + "x".repeat(1000) + "\"}")));
        for (Thread t : floods) {
            t.join();
        }
        ObjectNode out = Encoding.JSON.mapper().createObjectNode().put("connections_opened", opened.get())
                .put("upgrades_refused", refused.get()).put("closed_by_node", closedByNode.get()).put("frames_sent", frames.get());
        Files.writeString(report, out.toPrettyString());
        System.out.println("abuse-probe: " + out);
        return 0;
    }

    private interface Frames {
        byte[] frame(long i);
    }

    /** A thread that opens a connection and writes {@code frames} until closed, again and again until the deadline. */
    private Thread flood(String name, long deadline, Frames make) {
        Thread t = new Thread(() -> {
            long i = 0;
            while (System.nanoTime() < deadline) {
                try (Socket s = upgraded()) {
                    if (s == null) {
                        Thread.sleep(100);
                        continue;
                    }
                    if (!name.equals("pings")) {
                        drain(s); // answers are read (and dropped) so that only the floods' own limits stop them
                    }
                    OutputStream out = s.getOutputStream();
                    while (System.nanoTime() < deadline) {
                        java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
                        for (int n = 0; n < FRAMES_PER_WRITE; n++) {
                            batch.write(make.frame(++i));
                        }
                        out.write(batch.toByteArray());
                        frames.addAndGet(FRAMES_PER_WRITE);
                    }
                } catch (IOException closed) {
                    closedByNode.incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "abuse-" + name);
        t.start();
        return t;
    }

    /**
     * A socket upgraded to WebSocket, or null when the node refused the upgrade. Closed on every
     * failure: a node that closes at accept would otherwise leave the probe a socket per attempt
     * until it runs out of open files.
     */
    private Socket upgraded() throws IOException {
        Socket s = new Socket();
        try {
            s.setSoTimeout(5000);
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5000);
            opened.incrementAndGet();
            if (!RawWebSocket.upgrade(s, url)) {
                refused.incrementAndGet();
                s.close();
                return null;
            }
            s.setSoTimeout(0);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static void drain(Socket s) {
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = s.getInputStream()) {
                while (in.read(buf) >= 0) {
                    // dropped
                }
            } catch (IOException closed) {
                // the writer sees it too
            }
        }, "abuse-reader");
        reader.setDaemon(true);
        reader.start();
    }
}
