package io.wscluster.redis;

import io.lettuce.core.event.Event;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.DisconnectedEvent;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts what happens to a client's connections to Redis, from Lettuce's event bus:
 * {@code wsc_redis_connection_events_total{event}} with {@code disconnected} (a connection lost,
 * or closed), {@code activated} (connected and ready, at start and after each reconnect) and
 * {@code reconnect_failed} (an attempt that did not connect). A rising {@code disconnected} with
 * no {@code activated} is an outage.
 */
public final class RedisConnectionMeters {
    public static final String EVENTS = "wsc_redis_connection_events";

    private RedisConnectionMeters() {
    }

    /** Counts the events of {@code resources}' connections until the resources shut down. */
    public static void bind(ClientResources resources, MeterRegistry registry) {
        Counter disconnected = counter(registry, "disconnected");
        Counter activated = counter(registry, "activated");
        Counter reconnectFailed = counter(registry, "reconnect_failed");
        resources.eventBus().get().subscribe((Event e) -> {
            if (e instanceof DisconnectedEvent) {
                disconnected.increment();
            } else if (e instanceof ConnectionActivatedEvent) {
                activated.increment();
            } else if (e instanceof ReconnectFailedEvent) {
                reconnectFailed.increment();
            }
        });
    }

    private static Counter counter(MeterRegistry registry, String event) {
        return Counter.builder(EVENTS).tag("event", event)
                .description("Events of this process's connections to Redis: lost or closed, connected and ready, a failed reconnect")
                .register(registry);
    }
}
