package io.wscluster.transport;

import io.wscluster.options.Check;
import java.nio.file.Path;

/**
 * TLS of a node's two listeners: a certificate chain and its private key in PEM files (the key in
 * PKCS#8, {@code -----BEGIN PRIVATE KEY-----}), reloaded when they change ({@link
 * io.wscluster.eventloops.ServerTls}), or a self-signed certificate made at start for development.
 * Off by default: a node behind a load balancer or gateway that terminates TLS needs none.
 *
 * @param certFile   PEM certificate chain, leaf first; null with {@code keyFile} null
 * @param keyFile    PEM private key of the leaf certificate
 * @param selfSigned make a certificate for this run (clients must be told to trust it)
 */
public record TlsOptions(Path certFile, Path keyFile, boolean selfSigned) {
    public static final TlsOptions NONE = new TlsOptions(null, null, false);

    /** Whether the listeners speak TLS. */
    public boolean enabled() {
        return certFile != null || selfSigned;
    }

    public TlsOptions withCertFile(Path v) {
        return new TlsOptions(v, keyFile, selfSigned);
    }

    public TlsOptions withKeyFile(Path v) {
        return new TlsOptions(certFile, v, selfSigned);
    }

    public TlsOptions withSelfSigned(boolean v) {
        return new TlsOptions(certFile, keyFile, v);
    }

    /** @throws IllegalArgumentException naming the setting when the files do not go together */
    public TlsOptions checked() {
        Check.setting((certFile == null) == (keyFile == null), certFile == null ? "tls-cert-file" : "tls-key-file", "none",
                "given with " + (certFile == null ? "tls-key-file" : "tls-cert-file"));
        Check.setting(!(selfSigned && certFile != null), "tls-self-signed", true, "false when tls-cert-file is given");
        return this;
    }
}
