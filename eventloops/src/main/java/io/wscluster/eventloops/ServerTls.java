package io.wscluster.eventloops;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS for every new connection of a listener (a node's, the gateway's): a PEM
 * certificate chain and its PKCS#8 key, loaded at start (a bad file stops the start with one line)
 * and again when the files change, checked every {@link #RELOAD_CHECK}: connections already open
 * keep their session, new ones get the new certificate. A reload that fails (a half-written file, a
 * new key beside the old certificate) keeps the last good one and says so. Or a certificate made at
 * start, for development ({@link DevelopmentCertificate}).
 */
public final class ServerTls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
    /** How often the certificate files are looked at for a change. */
    public static final Duration RELOAD_CHECK = Duration.ofSeconds(5);

    private final Path certFile;
    private final Path keyFile;
    /** The certificate made at start; null when it comes from files. */
    private DevelopmentCertificate selfSigned;
    private volatile SslContext current;
    private FileTime certSeen;
    private FileTime keySeen;
    private ScheduledFuture<?> watch;

    private ServerTls(Path certFile, Path keyFile) {
        this.certFile = certFile;
        this.keyFile = keyFile;
    }

    /**
     * TLS from {@code certFile} and {@code keyFile}, watched on {@code scheduler}.
     *
     * @throws IllegalArgumentException naming the files when they cannot be used
     */
    public static ServerTls fromFiles(Path certFile, Path keyFile, ScheduledExecutorService scheduler) {
        ServerTls tls = new ServerTls(certFile, keyFile);
        tls.certSeen = modified(certFile);
        tls.keySeen = modified(keyFile);
        tls.current = build(certFile, keyFile);
        tls.watch = scheduler.scheduleWithFixedDelay(tls::reloadIfChanged, RELOAD_CHECK.toMillis(), RELOAD_CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
        return tls;
    }

    /**
     * TLS with a certificate made now, for development only: it names localhost, loopback, this
     * host's addresses and {@code names} (the hosts the listener is advertised at).
     */
    public static ServerTls selfSigned(Collection<String> names) {
        ServerTls tls = new ServerTls(null, null);
        tls.selfSigned = DevelopmentCertificate.make(names);
        tls.current = selfSignedContext(tls.selfSigned);
        return tls;
    }

    /** The certificate made at start, for clients to be told to trust; null when it comes from files. */
    public DevelopmentCertificate selfSignedCertificate() {
        return selfSigned;
    }

    /** A handler for a new connection: the certificate in force now. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return current.newHandler(alloc);
    }

    private void reloadIfChanged() {
        FileTime cert = modified(certFile);
        FileTime key = modified(keyFile);
        if (cert == null || key == null || cert.equals(certSeen) && key.equals(keySeen)) {
            return;
        }
        try {
            current = build(certFile, keyFile);
            certSeen = cert;
            keySeen = key;
            log.info("TLS certificate reloaded from {}", certFile);
        } catch (IllegalArgumentException e) {
            log.warn("TLS certificate not reloaded, keeping the one in use: {}", e.getMessage());
        }
    }

    private static SslContext build(Path cert, Path key) {
        SslContext built;
        try {
            built = SslContextBuilder.forServer(cert.toFile(), key.toFile()).build();
        } catch (Exception e) {
            // The TLS library's message names its internals; say which files and what they must be.
            throw new IllegalArgumentException("tls-cert-file " + cert + " and tls-key-file " + key
                    + " must be a readable PEM certificate chain and its unencrypted PKCS#8 private key");
        }
        if (PemKeyPair.mismatched(cert, key)) {
            throw new IllegalArgumentException("tls-key-file " + key + " is not the private key of the certificate in tls-cert-file "
                    + cert + " (a renewal half done?)");
        }
        return built;
    }

    private static SslContext selfSignedContext(DevelopmentCertificate cert) {
        try {
            log.warn("TLS with a self-signed certificate for development (tls-self-signed): clients must be told to trust it");
            return SslContextBuilder.forServer(cert.key(), cert.certificate()).build();
        } catch (Exception e) {
            throw new IllegalStateException("tls-self-signed: could not make a certificate: " + e.getMessage(), e);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.cancel(false);
        }
    }
}
