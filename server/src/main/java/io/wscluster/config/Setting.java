package io.wscluster.config;

import io.wscluster.NodeOptions;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * One configuration setting: its name (the YAML key and, with {@code --}, the flag), its
 * environment variable, the default as text, what it means, and how a text value is applied.
 */
public record Setting(String name, String defaultText, String description, BiConsumer<NodeOptions.Builder, String> apply) {

    /** {@code WSC_} and the name in upper case with underscores: {@code ping-interval} is {@code WSC_PING_INTERVAL}. */
    public String envName() {
        return "WSC_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    public String flag() {
        return "--" + name;
    }
}
