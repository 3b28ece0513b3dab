package io.wscluster.client;

/**
 * How application data becomes JSON and back: what {@code publish}, {@code send} and {@code
 * broadcast} send as {@code data}, and what {@link RoomMessage#data(Class)} and {@link
 * DirectMessage#data(Class)} decode. The client reads its own frames by itself; only the
 * application's values pass through here. The default, {@link #jackson()}, is a plain Jackson
 * {@code ObjectMapper}; set another with {@link ClientOptions#withCodec(JsonCodec)} (a configured
 * mapper, Gson, JSON-B) so the SDK never decides how the application's types look on the wire.
 * Implementations must be thread-safe.
 */
public interface JsonCodec {
    /**
     * The JSON text of {@code value}.
     *
     * @param value any value the codec can write, null included
     * @return one JSON value as text
     * @throws IllegalArgumentException when {@code value} cannot be written
     */
    String encode(Object value);

    /**
     * {@code json} read as a {@code type}.
     *
     * @param json one JSON value as text
     * @param type what to read it as
     * @param <T>  the type read
     * @return the value
     * @throws IllegalArgumentException when {@code json} does not read as a {@code type}
     */
    <T> T decode(String json, Class<T> type);

    /**
     * The default codec: Jackson's {@code ObjectMapper} with its default settings.
     *
     * @return a shared, thread-safe instance
     */
    static JsonCodec jackson() {
        return JacksonCodec.INSTANCE;
    }
}
