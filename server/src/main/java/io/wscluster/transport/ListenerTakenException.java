package io.wscluster.transport;

import java.net.BindException;

/** A listener's port is taken; the message names the setting ({@code port} or {@code admin-port}) and where. */
public final class ListenerTakenException extends BindException {
    ListenerTakenException(String setting, String host, int port) {
        super(setting + ": " + port + " is already in use on " + host);
    }
}
