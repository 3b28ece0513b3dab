package io.wscluster.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request written byte for byte as given, request-target included: what an attacker
 * sends ({@code /admin%2Fdrain}, {@code /x/../admin/drain}, a forged {@code Origin}), which HTTP
 * client libraries would normalise or refuse. Loopback only; bounded by a timeout.
 */
public final class RawHttp {
    /** A status and a body. */
    public record Answer(int status, String body) {
    }

    private RawHttp() {
    }

    /**
     * Sends {@code method target} to the server at {@code base} ({@code http://127.0.0.1:port}) with
     * an empty body and {@code Connection: close}, plus {@code extraHeaders} (each {@code "Name: value"}).
     */
    public static Answer send(String base, String method, String target, String... extraHeaders) throws IOException {
        return sendFrom(null, base, method, target, extraHeaders);
    }

    /**
     * The same from the socket bound to {@code localAddress} (null: the system's choice): on Linux
     * every 127.x.y.z reaches loopback, so a test can be a client other than 127.0.0.1.
     */
    public static Answer sendFrom(String localAddress, String base, String method, String target, String... extraHeaders)
            throws IOException {
        URI uri = URI.create(base);
        try (Socket socket = new Socket()) {
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                    .append("Connection: close\r\nContent-Length: 0\r\n");
            for (String h : extraHeaders) {
                request.append(h).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = readAll(socket.getInputStream());
            int firstSpace = response.indexOf(' ');
            if (!response.startsWith("HTTP/1.1 ") || firstSpace < 0) {
                throw new IOException("not an HTTP response: " + response);
            }
            int status = Integer.parseInt(response.substring(firstSpace + 1, firstSpace + 4));
            int bodyAt = response.indexOf("\r\n\r\n");
            return new Answer(status, bodyAt < 0 ? "" : response.substring(bodyAt + 4));
        }
    }

    /** Until the server closes, or, for a {@code 101} (an upgrade that stays open), until the end of its headers. */
    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0 && all.size() < 1024 * 1024) {
            all.write(buf, 0, n);
            String sofar = all.toString(StandardCharsets.ISO_8859_1);
            if (sofar.startsWith("HTTP/1.1 101") && sofar.contains("\r\n\r\n")) {
                break;
            }
        }
        return all.toString(StandardCharsets.UTF_8);
    }
}
