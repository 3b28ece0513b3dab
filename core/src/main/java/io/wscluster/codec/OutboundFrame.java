package io.wscluster.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * A frame the server sends. It writes itself field by field to a generator, so one code path serves
 * JSON and MessagePack and no reflection runs on the hot path.
 */
@FunctionalInterface
public interface OutboundFrame {
    void writeTo(JsonGenerator g) throws IOException;
}
