package io.wscluster.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS from the client's side, for tests of {@code wss://}: trusting one certificate, and the JDK's WebSocket client. */
public final class TlsClients {
    private TlsClients() {
    }

    /** A context that trusts {@code cert} (a self-signed one, say) and nothing else. */
    public static SSLContext trusting(X509Certificate cert) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * The certificate a server at {@code url} ({@code wss://} or {@code https://}, on loopback)
     * presents to a new connection, whatever it is: trusting nothing would hide which one it is.
     */
    public static X509Certificate presented(String url) throws Exception {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
            @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
            @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        URI uri = URI.create(url);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) any.getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** {@code url} by the name the tests' certificates carry ({@code localhost}). */
    public static String local(String url) {
        return url.replace("127.0.0.1", "localhost");
    }

    /** Opens a WebSocket to {@code url} (by {@link #local} name) with {@code ssl} and returns its first text frame. */
    public static String firstFrame(String url, SSLContext ssl) throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket ws = HttpClient.newBuilder().sslContext(ssl).build().newWebSocketBuilder()
                .buildAsync(URI.create(local(url)), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        first.complete(data.toString());
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        try {
            return first.get(5, TimeUnit.SECONDS);
        } finally {
            ws.abort();
        }
    }
}
