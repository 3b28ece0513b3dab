package io.wscluster.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonGeneratorImpl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The data of a message: one JSON value kept as its JSON text from the node that accepted it to
 * every socket that receives it. A node that receives it from the bus neither parses nor
 * re-serialises it: JSON connections get the text as it came. It is parsed only where a feature
 * needs the value ({@link #tree()}: MessagePack connections, the key of latest-per-key delivery),
 * once, and the tree is kept from then on. Immutable and thread-safe.
 */
public final class Payload {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String json;
    /** The parsed value, once a feature asked for it (benign race: any thread's parse is as good). */
    private volatile JsonNode tree;
    /** The UTF-8 length of {@link #json}; -1 until counted (benign race, as above). */
    private int utf8Length = -1;

    private Payload(String json) {
        this.json = json;
    }

    /**
     * The data {@code value} holds, serialised once here. The tree is not kept: messages are held
     * for a while (recent frames, history), and the text is all most of them will ever need.
     */
    public static Payload of(JsonNode value) {
        Objects.requireNonNull(value, "value");
        try {
            return new Payload(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("could not serialise a JSON value", e);
        }
    }

    /**
     * Data as JSON text, not parsed here: the caller vouches that {@code json} is exactly one valid
     * JSON value, as it is when this node's own encoder wrote it (the bus, the history store).
     */
    public static Payload ofJson(String json) {
        return new Payload(Objects.requireNonNull(json, "json"));
    }

    /** The value as JSON text. */
    public String json() {
        return json;
    }

    /** The value parsed: a feature that reads it pays for the parse, once. */
    public JsonNode tree() {
        JsonNode t = tree;
        if (t == null) {
            try {
                t = JSON.readTree(json);
            } catch (IOException e) {
                throw new UncheckedIOException("a payload is not valid JSON", e);
            }
            tree = t;
        }
        return t;
    }

    /** The bytes of {@link #json} in UTF-8, what the value weighs on a JSON connection. */
    public int utf8Length() {
        int n = utf8Length;
        if (n < 0) {
            n = utf8LengthOf(json);
            utf8Length = n;
        }
        return n;
    }

    /** Writes the value: JSON generators take the text as it is; others (MessagePack) write the parsed value. */
    public void writeTo(JsonGenerator g) throws IOException {
        if (g instanceof JsonGeneratorImpl) {
            g.writeRawValue(json);
        } else {
            g.writeTree(tree());
        }
    }

    private static int utf8LengthOf(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Equal when the JSON text is the same: two spellings of one value (spaces, key order) differ. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Payload p && p.json.equals(json);
    }

    @Override
    public int hashCode() {
        return json.hashCode();
    }

    @Override
    public String toString() {
        return json;
    }
}
