package io.wscluster.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.wscluster.codec.Encoding;
import io.wscluster.codec.OutboundFrame;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Encoding and decoding of wire frames for tests: JSON text, MessagePack bytes and trees. */
public final class Wire {
    private Wire() {
    }

    /** Parses JSON text into a tree. */
    public static JsonNode tree(String json) {
        try {
            return Encoding.JSON.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad JSON in test: " + json, e);
        }
    }

    public static ObjectNode object(String json) {
        return (ObjectNode) tree(json);
    }

    /** The bytes of {@code json} as a client would send them in {@code encoding}. */
    public static ByteBuf bytes(Encoding encoding, String json) {
        if (encoding == Encoding.JSON) {
            return Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        }
        try {
            return Unpooled.wrappedBuffer(Encoding.MSGPACK.mapper().writeValueAsBytes(tree(json)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes one encoded frame into a tree; does not release {@code buf} nor move its reader index. */
    public static JsonNode decode(Encoding encoding, ByteBuf buf) {
        try (InputStream in = new ByteBufInputStream(buf.duplicate())) {
            return encoding.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Encodes a server frame and returns the tree it decodes to. */
    public static JsonNode encodeToTree(Encoding encoding, OutboundFrame frame) {
        ByteBuf buf = encoding.encode(UnpooledByteBufAllocator.DEFAULT, frame);
        try {
            return decode(encoding, buf);
        } finally {
            buf.release();
        }
    }

    /** Encodes a server frame as JSON text, exactly as it goes on the wire. */
    public static String json(OutboundFrame frame) {
        ByteBuf buf = Encoding.JSON.encode(UnpooledByteBufAllocator.DEFAULT, frame);
        try {
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }
}
