package io.wscluster.config;

/** A configuration value that cannot be used; the message is one line naming the setting and value. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
