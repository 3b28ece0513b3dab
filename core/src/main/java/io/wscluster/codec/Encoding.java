package io.wscluster.codec;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * The two encodings of the wire contract, each a WebSocket subprotocol. Both carry the very same
 * objects; MessagePack travels in binary frames, JSON in text frames. Thread-safe.
 */
public enum Encoding {
    JSON("wsc.v1.json", false, "JSON", new JsonFactory()),
    MSGPACK("wsc.v1.msgpack", true, "MessagePack", new MessagePackFactory());

    private final String subprotocol;
    private final boolean binary;
    private final String label;
    private final ObjectMapper mapper;

    Encoding(String subprotocol, boolean binary, String label, JsonFactory factory) {
        this.subprotocol = subprotocol;
        this.binary = binary;
        this.label = label;
        this.mapper = new ObjectMapper(factory);
    }

    public String subprotocol() {
        return subprotocol;
    }

    /** True when frames travel as binary WebSocket frames. */
    public boolean binary() {
        return binary;
    }

    String label() {
        return label;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** The encoding for a subprotocol name, or {@code null} for none we speak. */
    public static Encoding forSubprotocol(String name) {
        for (Encoding e : values()) {
            if (e.subprotocol.equals(name)) {
                return e;
            }
        }
        return null;
    }

    /** Encodes one frame into a new buffer from {@code alloc}; the caller owns the buffer. */
    public ByteBuf encode(ByteBufAllocator alloc, OutboundFrame frame) {
        ByteBuf buf = alloc.buffer(128);
        try {
            encodeInto(buf, frame);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        return buf;
    }

    /** Appends one encoded frame to {@code buf}. */
    public void encodeInto(ByteBuf buf, OutboundFrame frame) {
        try (JsonGenerator g = mapper.getFactory().createGenerator((java.io.OutputStream) new ByteBufOutputStream(buf), JsonEncoding.UTF8)) {
            frame.writeTo(g);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode " + frame.getClass().getSimpleName(), e);
        }
    }
}
