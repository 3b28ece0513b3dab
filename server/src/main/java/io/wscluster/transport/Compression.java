package io.wscluster.transport;

import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;

/**
 * permessage-deflate as we offer it.
 *
 * <p>Messages under {@link #MIN_SIZE} bytes are sent uncompressed (RFC 7692 allows any message to
 * be): compressing them saves a few bytes at the cost of a deflate call per connection, and, more
 * importantly, Netty creates a connection's deflater (about 90 KB of native zlib state and 1.4 KB
 * of heap) on its first compressed message. With the threshold, an idle connection of a browser
 * (which always offers compression) costs what an uncompressed one does; only connections that
 * actually receive large messages pay for zlib. Measured in docs/benchmarks.md.
 */
final class Compression {
    /** Smallest message payload worth compressing. */
    static final int MIN_SIZE = 512;
    private static final int COMPRESSION_LEVEL = 6;
    private static final int WINDOW_BITS = 15;
    private static final int MEM_LEVEL = 8;

    private static final WebSocketExtensionFilter SKIP_SMALL = frame -> frame.content().readableBytes() < MIN_SIZE;

    private static final WebSocketExtensionFilterProvider FILTERS = new WebSocketExtensionFilterProvider() {
        @Override
        public WebSocketExtensionFilter encoderFilter() {
            return SKIP_SMALL;
        }

        @Override
        public WebSocketExtensionFilter decoderFilter() {
            return WebSocketExtensionFilter.NEVER_SKIP;
        }
    };

    private Compression() {
    }

    /**
     * The handler that negotiates permessage-deflate during the upgrade and then removes itself.
     * Inflating stops at {@code maxMessageSize}, so a small compressed frame cannot balloon in memory.
     */
    static WebSocketServerExtensionHandler negotiation(int maxMessageSize) {
        return new WebSocketServerExtensionHandler(new PerMessageDeflateServerExtensionHandshaker(
                COMPRESSION_LEVEL, ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(), WINDOW_BITS,
                false, false, WINDOW_BITS, MEM_LEVEL, FILTERS, maxMessageSize));
    }
}
