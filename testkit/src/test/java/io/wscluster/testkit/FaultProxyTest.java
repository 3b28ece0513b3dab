package io.wscluster.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each fault of the proxy, between a plain socket and a real redis-server speaking RESP. */
class FaultProxyTest {
    private RedisServer redis;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        redis = RedisServer.start();
        proxy = FaultProxy.to(redis.port());
    }

    @AfterEach
    void stop() {
        proxy.close();
        redis.stop();
    }

    @Test
    void passesBytesBothWays() throws IOException {
        try (Socket s = client()) {
            assertThat(ping(s)).isEqualTo("+PONG");
        }
        assertThat(proxy.connections()).isEqualTo(1);
    }

    @Test
    void aBlackholeHoldsBytesWithoutClosingAndReleasesThemWhenItHeals() throws IOException {
        try (Socket s = client()) {
            assertThat(ping(s)).isEqualTo("+PONG");
            proxy.blackhole();
            s.setSoTimeout(500);
            assertThatThrownBy(() -> ping(s)).isInstanceOf(SocketTimeoutException.class);
            proxy.pass();
            s.setSoTimeout(5000);
            assertThat(line(s)).as("the held PING's answer").isEqualTo("+PONG");
        }
    }

    @Test
    void discardLosesBytesOnALinkThatStaysUp() throws IOException {
        try (Socket s = client()) {
            proxy.discard();
            s.setSoTimeout(500);
            assertThatThrownBy(() -> ping(s)).isInstanceOf(SocketTimeoutException.class);
            proxy.pass();
            s.setSoTimeout(5000);
            assertThat(ping(s)).as("the discarded PING is never answered; this one is").isEqualTo("+PONG");
        }
    }

    @Test
    void delayHoldsEachChunkForTheDelay() throws IOException {
        try (Socket s = client()) {
            proxy.delay(Duration.ofMillis(300));
            long start = System.nanoTime();
            assertThat(ping(s)).isEqualTo("+PONG");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("delayed on the way out and back").isGreaterThanOrEqualTo(Duration.ofMillis(600));
        }
    }

    @Test
    void resetAllEndsEveryConnectionAndNewOnesPass() throws IOException {
        try (Socket s = client()) {
            assertThat(ping(s)).isEqualTo("+PONG");
            proxy.resetAll();
            s.setSoTimeout(5000);
            assertThatThrownBy(() -> {
                for (int i = 0; i < 10; i++) {
                    ping(s); // a reset shows at the first read, or at a write after it
                }
            }).isInstanceOf(IOException.class);
        }
        try (Socket again = client()) {
            assertThat(ping(again)).isEqualTo("+PONG");
        }
    }

    private Socket client() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(5000);
        return s;
    }

    private static String ping(Socket s) throws IOException {
        s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        return line(s);
    }

    private static String line(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
