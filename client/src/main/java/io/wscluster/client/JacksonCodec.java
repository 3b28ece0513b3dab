package io.wscluster.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@link JsonCodec#jackson()}: Jackson with its defaults, the one the client reads its frames with. */
final class JacksonCodec implements JsonCodec {
    static final JacksonCodec INSTANCE = new JacksonCodec();

    private final ObjectMapper mapper = new ObjectMapper();

    private JacksonCodec() {
    }

    @Override
    public String encode(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public <T> T decode(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot read data as " + type.getName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
