package io.wscluster.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.wscluster.security.NamespaceSpec;
import io.wscluster.security.OverflowPolicy;
import io.wscluster.security.RoomAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the namespaces of a {@code namespaces-file}: a YAML map of namespace name to its rules,
 * each rule optional (the default namespace's {@code room-*} settings fill the rest):
 *
 * <pre>
 * chat:
 *   subscribe: authenticated
 *   publish: authenticated
 *   presence: authenticated
 * user:
 *   subscribe: granted
 *   publish: off
 *   track-presence: false
 *   history-size: 20
 *   history-ttl: 1h
 *   history-max-bytes: 64KiB
 * ticker:
 *   overflow: latest-per-key
 * </pre>
 */
final class NamespacesFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> RULES = Set.of("subscribe", "publish", "history", "presence", "track-presence", "history-size",
            "history-ttl", "history-max-bytes", "overflow");

    private NamespacesFile() {
    }

    /** @throws IllegalArgumentException naming the file's problem in a few words */
    static List<NamespaceSpec> read(String path) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(Path.of(path.trim())));
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException(e instanceof com.fasterxml.jackson.core.JacksonException ? "not valid YAML" : "not a readable file");
        }
        List<NamespaceSpec> specs = new ArrayList<>();
        if (root == null || root.isNull() || root.isMissingNode()) {
            return specs;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("not a map of namespace: rules");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            specs.add(spec(e.getKey(), e.getValue()));
        }
        return specs;
    }

    private static NamespaceSpec spec(String name, JsonNode rules) {
        if (!rules.isObject()) {
            throw new IllegalArgumentException("namespace '" + name + "' must map rules (subscribe, publish, ...) to values");
        }
        rules.fieldNames().forEachRemaining(rule -> {
            if (!RULES.contains(rule)) {
                throw new IllegalArgumentException("namespace '" + name + "': unknown rule '" + rule + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(RULES)) + ")");
            }
        });
        try {
            JsonNode track = rules.get("track-presence");
            JsonNode size = rules.get("history-size");
            JsonNode ttl = rules.get("history-ttl");
            JsonNode maxBytes = rules.get("history-max-bytes");
            JsonNode overflow = rules.get("overflow");
            return new NamespaceSpec(name, access(rules, "subscribe"), access(rules, "publish"), access(rules, "history"),
                    access(rules, "presence"), track == null ? null : Values.bool(track.asText()),
                    size == null ? null : Values.integer(size.asText()), ttl == null ? null : Values.duration(ttl.asText()),
                    maxBytes == null ? null : Values.size(maxBytes.asText()), overflow == null ? null : overflow(overflow.asText()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("namespace '" + name + "': " + e.getMessage());
        }
    }

    private static OverflowPolicy overflow(String text) {
        try {
            return OverflowPolicy.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("overflow '" + text + "' is " + e.getMessage());
        }
    }

    private static RoomAccess access(JsonNode rules, String rule) {
        JsonNode v = rules.get(rule);
        if (v == null) {
            return null;
        }
        if (v.isBoolean() && !v.booleanValue()) {
            return RoomAccess.OFF; // YAML reads a bare 'off' as false
        }
        try {
            return RoomAccess.parse(v.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(rule + " '" + v.asText() + "' is " + e.getMessage());
        }
    }
}
