package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Slowloris on a node: silent connections, requests trickled a byte at a time, and endless keep-alive, each cut off. */
class SlowClientsIT {
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(600);

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @Test
    void aConnectionThatSaysNothingIsClosedWithinTheRequestTimeout() throws Exception {
        WsCluster node = nodes.start(o -> o.transport(t -> t.requestTimeout(REQUEST_TIMEOUT)));
        try (Socket s = open(node)) {
            assertThat(closedWithin(s, Duration.ofSeconds(3))).isTrue();
        }
    }

    @Test
    void aRequestTrickledAByteAtATimeIsClosedAlthoughBytesKeepComing() throws Exception {
        WsCluster node = nodes.start(o -> o.transport(t -> t.requestTimeout(REQUEST_TIMEOUT)));
        try (Socket s = open(node)) {
            OutputStream out = s.getOutputStream();
            byte[] request = "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < 40 && !cut; i++) {
                try {
                    out.write(request[i % request.length]);
                    out.flush();
                } catch (java.io.IOException e) {
                    cut = true;
                }
                Thread.sleep(100);
                cut = cut || isClosed(s);
            }
            assertThat(cut).as("cut off while still sending").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void aKeepAliveConnectionCarriesAtMostItsRequestsAndIdlesOutBetweenThem() throws Exception {
        WsCluster node = nodes.start(o -> o.transport(t -> t.maxRequestsPerConnection(3).idleTimeout(REQUEST_TIMEOUT)));
        try (Socket s = open(node)) {
            for (int i = 0; i < 3; i++) {
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readSome(s)).startsWith("HTTP/1.1 200");
            }
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(closedWithin(s, Duration.ofSeconds(3))).as("the fourth request closes it").isTrue();
        }
        try (Socket s = open(node)) {
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readSome(s)).startsWith("HTTP/1.1 200");
            assertThat(closedWithin(s, Duration.ofSeconds(3))).as("idle after a request").isTrue();
        }
    }

    @Test
    void anUpgradedConnectionIsNotCutByTheRequestDeadlines() throws Exception {
        nodes.start(o -> o.transport(t -> t.requestTimeout(REQUEST_TIMEOUT).idleTimeout(REQUEST_TIMEOUT)));
        io.wscluster.testkit.TestClient c = nodes.open();
        Thread.sleep(REQUEST_TIMEOUT.multipliedBy(3).toMillis());
        assertThat(c.request(c.frame("ping")).path("op").asText()).isEqualTo("pong");
    }

    static Socket open(WsCluster node) throws Exception {
        URI http = URI.create(node.httpUrl());
        Socket s = new Socket(InetAddress.getLoopbackAddress(), http.getPort());
        s.setSoTimeout(200);
        return s;
    }

    private static String readSome(Socket s) throws Exception {
        s.setSoTimeout(3000);
        byte[] buf = new byte[4096];
        int n = s.getInputStream().read(buf);
        s.setSoTimeout(200);
        return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.US_ASCII);
    }

    /** Whether the node closed the connection: a read sees its end within {@code within}. */
    static boolean closedWithin(Socket s, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (isClosed(s)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isClosed(Socket s) throws Exception {
        InputStream in = s.getInputStream();
        try {
            int b = in.read();
            return b < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // reset
        }
    }
}
