package io.wscluster.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client written by hand over a plain socket, for clients that misbehave on purpose
 * (the abuse probe, memory tests): the upgrade, and masked frames (mask 0, so the payload is sent
 * as it is) to write raw, several to a write, without any library reading or answering for them.
 */
final class RawWebSocket {
    private RawWebSocket() {
    }

    /** Sends the upgrade for {@code url} on {@code s} and reads the answer's head; true when it is 101. */
    static boolean upgrade(Socket s, URI url) throws IOException {
        s.getOutputStream().write(("GET " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        for (int b; !head.toString().endsWith("\r\n\r\n"); ) {
            if ((b = in.read()) < 0) {
                throw new IOException("closed during the upgrade: " + head);
            }
            head.append((char) b);
        }
        return head.toString().startsWith("HTTP/1.1 101");
    }

    /** A masked ping of 125 bytes, the most a control frame carries. */
    static byte[] ping() {
        byte[] f = new byte[2 + 4 + 125];
        f[0] = (byte) 0x89;
        f[1] = (byte) (0x80 | 125);
        return f;
    }

    /** A masked text frame. */
    static byte[] text(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int n = payload.length;
        int header = n < 126 ? 2 : 4;
        byte[] f = new byte[header + 4 + n];
        f[0] = (byte) 0x81;
        if (n < 126) {
            f[1] = (byte) (0x80 | n);
        } else {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (n >> 8);
            f[3] = (byte) n;
        }
        System.arraycopy(payload, 0, f, header + 4, n);
        return f;
    }
}
