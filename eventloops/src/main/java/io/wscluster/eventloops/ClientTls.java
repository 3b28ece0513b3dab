package io.wscluster.eventloops;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.nio.file.Path;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The client side of TLS to servers of ours (the gateway to its nodes): the system's trusted
 * authorities, or those of a PEM file, and the server's name checked against its certificate.
 */
public final class ClientTls {
    private final SslContext context;

    private ClientTls(SslContext context) {
        this.context = context;
    }

    /**
     * @param caFile PEM certificates of the authorities to trust; null: the system's
     * @throws IllegalArgumentException when the file holds no usable certificate
     */
    public static ClientTls trusting(Path caFile) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient();
            if (caFile != null) {
                b.trustManager(caFile.toFile());
            }
            return new ClientTls(b.build());
        } catch (Exception e) {
            throw new IllegalArgumentException(caFile + " must be readable PEM certificates of the authorities to trust");
        }
    }

    /** A handler for a connection to {@code host}, whose certificate must name it. */
    public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
        SslHandler handler = context.newHandler(alloc, host, port);
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        return handler;
    }
}
