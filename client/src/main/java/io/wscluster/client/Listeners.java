package io.wscluster.client;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A client's event listeners: each event reaches every one of them, and a listener's failure stays its own. */
final class Listeners {
    private final CopyOnWriteArrayList<Consumer<ClientEvent>> listeners = new CopyOnWriteArrayList<>();

    void add(Consumer<ClientEvent> listener) {
        listeners.add(listener);
    }

    void emit(ClientEvent event) {
        for (Consumer<ClientEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException x) {
                // not the client's to handle: the next listener still hears of it
            }
        }
    }
}
