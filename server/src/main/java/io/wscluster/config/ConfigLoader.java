package io.wscluster.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.wscluster.NodeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds {@link NodeOptions} from a YAML file, the environment and flags, weakest first. Unknown
 * keys and variables are errors, not silently ignored: a typo must not leave a default in force.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConfigLoader.class);

    private ConfigLoader() {
    }

    /**
     * @param file  a YAML file of {@code setting: value} lines, or null
     * @param env   the process environment; only {@code WSC_*} variables are read
     * @param flags setting name to value, as given on the command line
     * @param base  the options to start from (the defaults of the command)
     */
    public static NodeOptions load(Path file, Map<String, String> env, Map<String, String> flags, NodeOptions base) {
        NodeOptions.Builder b = base.toBuilder();
        if (file != null) {
            for (Map.Entry<String, String> e : readYaml(file).entrySet()) {
                Setting s = Settings.byName(e.getKey()).orElseThrow(() -> new ConfigException(
                        "unknown setting '" + e.getKey() + "' in " + file + " (known: " + known() + ")"));
                apply(b, s, e.getValue(), "in " + file);
            }
        }
        for (Map.Entry<String, String> alias : Settings.ALIASES.entrySet()) {
            String value = env.get(alias.getKey());
            if (value != null && !env.containsKey(Settings.byName(alias.getValue()).orElseThrow().envName())) {
                apply(b, Settings.byName(alias.getValue()).orElseThrow(), value, "from " + alias.getKey());
            }
        }
        java.util.List<String> links = new java.util.ArrayList<>();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(env).entrySet()) {
            if (!e.getKey().startsWith("WSC_") || Settings.TOOL_VARIABLES.contains(e.getKey())) {
                continue;
            }
            if (ServiceLinks.injected(e.getKey(), e.getValue())) {
                links.add(e.getKey());
                continue;
            }
            Setting s = Settings.byEnvName(e.getKey()).orElseThrow(() -> new ConfigException(
                    "unknown environment variable " + e.getKey() + " (known: "
                            + Settings.ALL.stream().map(Setting::envName).collect(Collectors.joining(", ")) + ")"));
            apply(b, s, e.getValue(), "from " + e.getKey());
        }
        if (!links.isEmpty()) {
            log.warn("ignoring {} Kubernetes service-link variable(s) that share the WSC_ prefix: {} (set enableServiceLinks: false"
                    + " on the pod to leave them out)", links.size(), String.join(", ", links));
        }
        for (Map.Entry<String, String> e : flags.entrySet()) {
            Setting s = Settings.byName(e.getKey()).orElseThrow(() -> new ConfigException("unknown flag --" + e.getKey()));
            apply(b, s, e.getValue(), "from --" + e.getKey());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage()); // settings that go together, checked once all are read: it names them
        }
    }

    private static void apply(NodeOptions.Builder b, Setting s, String value, String source) {
        try {
            s.apply().accept(b, value);
        } catch (IllegalArgumentException e) {
            String why = e.getMessage();
            // Builder checks already name the setting; parser errors say only what is wrong.
            String detail = why != null && why.startsWith(s.name() + ":") ? why.substring(s.name().length() + 1).trim() : "'" + value + "' is " + why;
            throw new ConfigException(s.name() + " (" + source + "): " + detail);
        }
    }

    private static Map<String, String> readYaml(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException("config: file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("config: " + file + " is not valid YAML: " + firstLine(e.getMessage()));
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return values;
        }
        if (!root.isObject()) {
            throw new ConfigException("config: " + file + " must be a map of setting: value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isContainerNode()) {
                throw new ConfigException(e.getKey() + " (in " + file + "): expected a single value, not a list or map");
            }
            values.put(e.getKey(), v.isNull() ? "" : v.asText());
        }
        return values;
    }

    private static String known() {
        return Settings.ALL.stream().map(Setting::name).collect(Collectors.joining(", "));
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
