package io.wscluster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.testkit.TestClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What abusive clients can make one node hold, measured on a real node process with a stated heap
 * ({@value #HEAP}) and direct memory ({@value #DIRECT}): Netty fails an allocation past the direct
 * bound, so a node that stays up and serves after each flood held less than it. Its resident set
 * is read from {@code /proc} before and after.
 */
class MemoryBoundsProcessIT {
    private static final String HEAP = "-Xmx256m";
    private static final String DIRECT = "-XX:MaxDirectMemorySize=128m";
    /** What the resident set may grow by during one flood: the heap may grow to its bound, direct memory stays far below its own. */
    private static final long RSS_GROWTH_BOUND = 320L << 20;

    private final NodeProcesses nodes = new NodeProcesses();
    private final HttpClient http = HttpClient.newHttpClient();
    private String url;

    @AfterEach
    void stop() {
        nodes.close();
    }

    private void startNode() throws IOException {
        url = nodes.start(List.of(HEAP, DIRECT), "mem-1");
    }

    @Test
    void pingsWhosePongsAreNeverReadCloseTheConnectionAtItsOutboundBound() throws Exception {
        startNode();
        long before = rss();
        List<Long> sent = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            try (Socket s = upgraded()) {
                sent.add(floodUntilClosed(s, pingFrames(100), 1_500_000, Duration.ofSeconds(30)));
            }
        }
        assertThat(sent).as("pings written before the node closed each connection").allSatisfy(n -> assertThat(n).isLessThan(1_500_000));
        assertServing();
        assertThat(rss() - before).as("resident set growth, bytes").isLessThan(RSS_GROWTH_BOUND);
    }

    @Test
    void pipelinedRequestsWhoseAnswersAreNeverReadAreCutOff() throws Exception {
        startNode();
        long before = rss();
        byte[] requests = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(100).getBytes(StandardCharsets.US_ASCII);
        try (Socket s = connect()) {
            floodUntilClosed(s, requests, 30_000, Duration.ofSeconds(30)); // 1.3 MB: may all fit in the sockets' buffers
            assertThat(answersUntilTheEnd(s)).as("answers before the node closed the connection")
                    .isLessThanOrEqualTo(1000); // max-requests-per-connection
        }
        assertServing();
        assertThat(rss() - before).as("resident set growth, bytes").isLessThan(RSS_GROWTH_BOUND);
    }

    /**
     * 2,000 messages of 60 KB into 400 rooms with a subscriber: without a byte budget the recovery
     * cache would keep them all (about 250 MB of direct memory, past the node's 128 MiB).
     */
    @Test
    void aRecoveryCacheOfLargeMessagesStaysWithinItsByteBudget() throws Exception {
        startNode();
        long before = rss();
        String data = "x".repeat(60_000);
        int rooms = 400;
        try (TestClient subscriber = TestClient.connect(url); TestClient publisher = TestClient.connect(url)) {
            for (int r = 0; r < rooms; r++) {
                JsonNode reply = subscriber.request(subscriber.frame("subscribe").put("room", "big-" + r));
                assertThat(reply.path("op").asText()).as("reply %s", reply).isEqualTo("subscribed");
            }
            for (int round = 0; round < 5; round++) {
                for (int r = 0; r < rooms; r++) {
                    JsonNode ack = publisher.request(publisher.frame("publish").put("room", "big-" + r).put("data", data));
                    assertThat(ack.path("op").asText()).as("ack %s", ack).isEqualTo("ack");
                    // Read one by one: the subscriber keeps up (a burst would close it as a slow
                    // consumer, and its rooms' cache with it), so only the cache holds them.
                    subscriber.next("message");
                }
            }
            String metrics = metrics();
            assertThat(gauge(metrics, "wsc_recovery_cache_bytes")).as("bytes held").isBetween(32.0 * (1 << 20), 64.0 * (1 << 20));
            // The default budget, 64 MiB, over about 60 KB each: some 1,100 of the 2,000.
            assertThat(gauge(metrics, "wsc_recovery_cache_frames")).as("messages held").isBetween(800.0, 1200.0);
            assertServing();
        }
        assertThat(rss() - before).as("resident set growth, bytes").isLessThan(RSS_GROWTH_BOUND);
    }

    /** The node is up, has not run out of memory, and a new client gets in and is answered. */
    private void assertServing() throws Exception {
        assertThat(nodes.get(0).isAlive()).isTrue();
        try (TestClient c = TestClient.connect(url)) {
            c.next("welcome");
            assertThat(c.request(c.frame("ping")).path("op").asText()).isEqualTo("pong");
        }
        for (Path log : logs()) {
            assertThat(Files.readString(log)).as("node log %s", log).doesNotContain("OutOfMemoryError", "OutOfDirectMemoryError");
        }
    }

    private static List<Path> logs() throws IOException {
        try (var files = Files.list(Path.of("target", "nodes"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("mem-1-")).toList();
        }
    }

    private Socket connect() throws IOException {
        URI u = URI.create(url);
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // a client that barely reads
        s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 5000);
        s.setSoTimeout(30_000);
        return s;
    }

    /** A connection upgraded by hand, its answers never read after the upgrade's. */
    private Socket upgraded() throws IOException {
        Socket s = connect();
        assertThat(RawWebSocket.upgrade(s, URI.create(url))).as("upgraded").isTrue();
        return s;
    }

    /** {@code n} masked pings of 125 bytes each (the most a control frame carries), as one buffer. */
    private static byte[] pingFrames(int n) {
        byte[] one = RawWebSocket.ping();
        byte[] out = new byte[one.length * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(one, 0, out, i * one.length, one.length);
        }
        return out;
    }

    /**
     * Writes {@code chunk} (a hundred pings or requests) until the node closes the connection,
     * {@code max} of them are written or {@code time} passes; returns how many were written.
     */
    private static long floodUntilClosed(Socket s, byte[] chunk, long max, Duration time) {
        int perChunk = 100;
        long deadline = System.nanoTime() + time.toNanos();
        long sent = 0;
        try {
            OutputStream out = s.getOutputStream();
            while (sent < max && System.nanoTime() < deadline) {
                out.write(chunk);
                sent += perChunk;
            }
        } catch (IOException closedByTheNode) {
            return sent;
        }
        return sent;
    }

    /** Reads until the node ends the connection; returns how many HTTP answers came. */
    private static int answersUntilTheEnd(Socket s) throws IOException {
        s.setSoTimeout(30_000);
        byte[] buf = new byte[64 * 1024];
        StringBuilder tail = new StringBuilder();
        int answers = 0;
        try {
            for (int n; (n = s.getInputStream().read(buf)) > 0; ) {
                tail.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                int at;
                while ((at = tail.indexOf("HTTP/1.1 ")) >= 0) {
                    answers++;
                    tail.delete(0, at + 9);
                }
            }
        } catch (SocketException reset) {
            // the node closed with unread requests left: a reset ends the connection too
        }
        return answers;
    }

    /** The node's resident set, from /proc. */
    private long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(nodes.get(0).pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS");
    }

    private String metrics() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(NodeProcesses.adminUrl(url) + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double gauge(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("%s in /metrics", name).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
