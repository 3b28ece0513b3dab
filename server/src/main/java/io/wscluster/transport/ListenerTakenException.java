package io.wscluster.transport;

import java.net.BindException;

/** A listener's port is taken: which setting names it, and where. */
public final class ListenerTakenException extends BindException {
    private final String setting;
    private final String host;
    private final int port;

    ListenerTakenException(String setting, String host, int port) {
        super(setting + ": " + port + " is already in use on " + host);
        this.setting = setting;
        this.host = host;
        this.port = port;
    }

    /** {@code port} or {@code admin-port}. */
    public String setting() {
        return setting;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }
}
