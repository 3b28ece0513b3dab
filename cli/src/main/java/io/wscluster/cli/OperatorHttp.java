package io.wscluster.cli;

import io.wscluster.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The HTTP client the commands reach nodes' operator listeners with ({@code status}, {@code drain},
 * {@code rebalance}). Over {@code https://} it trusts the system's authorities or, given a CA
 * file ({@code --ca-file}, else {@code WSC_CA_FILE}), only the certificates of that PEM file, as
 * {@code curl --cacert} does: a private authority, or the certificate a node with
 * {@code tls-self-signed} wrote at start (several nodes' files may be concatenated into one). The
 * server's name is checked against the certificate either way.
 */
final class OperatorHttp {
    /** The variable read when no {@code --ca-file} is given; nodes leave it alone ({@link Settings#TOOL_VARIABLES}). */
    static final String CA_FILE_VARIABLE = Settings.CA_FILE_VARIABLE;
    static final String CA_FILE_HELP = "PEM certificates to trust for https:// operator listeners instead of the system's: a private"
            + " authority, or the file a node with tls-self-signed wrote at start (<tmpdir>/wscluster-<user>/<node-id>.pem; several"
            + " nodes' files may be concatenated). Also " + CA_FILE_VARIABLE + ".";

    private OperatorHttp() {
    }

    /**
     * @param caFileFlag the {@code --ca-file} value, or null
     * @param env        the environment, for {@link #CA_FILE_VARIABLE}
     * @throws IllegalArgumentException naming the file when it holds no usable certificate
     */
    static HttpClient client(String caFileFlag, Map<String, String> env) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        String caFile = caFileFlag != null ? caFileFlag : env.get(CA_FILE_VARIABLE);
        if (caFile != null) {
            b.sslContext(trusting(Path.of(caFile), caFileFlag != null ? "ca-file" : CA_FILE_VARIABLE));
        }
        return b.build();
    }

    private static SSLContext trusting(Path file, String source) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException("no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            // The security library's message names its parser; say which file and what it must be.
            throw new IllegalArgumentException(source + ": " + file + " must be a readable file of PEM certificates");
        }
    }

    /** Why a call failed, in one line, with what to do when it was the server's certificate. */
    static String why(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException) {
                return "the TLS handshake failed: its certificate is not trusted, or does not name it; give its authority, or a"
                        + " self-signed node's certificate file, as --ca-file or " + CA_FILE_VARIABLE;
            }
        }
        return ClusterNodes.root(e);
    }
}
