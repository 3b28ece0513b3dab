package io.wscluster.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node watching itself: every {@code resolution} it adds a sample of its {@link Figure}s to its
 * {@link MetricHistory}; every {@code metrics-interval} it takes a fresh sample, hands it to {@code
 * live} (the node publishes it to {@link #METRICS_ROOM}) and checks its {@link Alerts} against it:
 * what fires or resolves is logged, counted ({@code wsc_alert_transitions_total}) and handed to
 * {@code announce} (the node publishes it to {@link #ALERTS_ROOM}).
 */
public final class Monitoring implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Monitoring.class);
    public static final String TRANSITIONS = "wsc_alert_transitions";
    public static final String FIRING = "wsc_alerts_firing";
    /** The room each transition is published to, for dashboards and other watchers; who may read it is the room policy's. */
    public static final String ALERTS_ROOM = "wsc:alerts";
    /** The room each fresh sample is published to: the dashboard's live view. */
    public static final String METRICS_ROOM = "wsc:metrics";

    private final MeterRegistry registry;
    private final MetricHistory history;
    private final Alerts alerts;
    private final FigureSampler historySampler;
    private final FigureSampler alertSampler;
    private final Consumer<Alerts.Transition> announce;
    private final Consumer<FigureSample> live;
    private final MetricsOptions options;
    private ScheduledFuture<?> sampling;
    private ScheduledFuture<?> checking;

    public Monitoring(MetricsOptions options, MeterRegistry registry, Consumer<FigureSample> live, Consumer<Alerts.Transition> announce) {
        this.options = options;
        this.live = live;
        this.registry = registry;
        this.announce = announce;
        this.history = new MetricHistory(options.window(), options.resolution());
        this.alerts = new Alerts(options.rules());
        this.historySampler = new FigureSampler(registry);
        this.alertSampler = new FigureSampler(registry);
        for (AlertRule.Severity severity : AlertRule.Severity.values()) {
            Gauge.builder(FIRING, alerts, a -> a.firing(severity)).tag("severity", severity.wireName())
                    .description("Alert rules firing now on this node, by severity").register(registry);
        }
    }

    /** Starts sampling and checking on {@code scheduler}. */
    public synchronized void start(ScheduledExecutorService scheduler) {
        long every = options.resolution().toMillis();
        sampling = scheduler.scheduleAtFixedRate(() -> guarded("sample", () -> history.add(historySampler.sample(System.currentTimeMillis()))),
                every, every, TimeUnit.MILLISECONDS);
        long check = options.interval().toMillis();
        checking = scheduler.scheduleAtFixedRate(() -> guarded("take fresh figures", this::check), check, check, TimeUnit.MILLISECONDS);
    }

    private void check() {
        FigureSample sample = alertSampler.sample(System.currentTimeMillis());
        live.accept(sample);
        List<Alerts.Transition> changed = alerts.check(sample);
        for (Alerts.Transition t : changed) {
            if (t.firing()) {
                log.warn("alert {} firing: {} is {} ({}, {})", t.rule().name(), t.rule().figure().wireName(), HistoryJson.round(t.value()),
                        t.rule().expression(), t.rule().severity().wireName());
            } else {
                log.info("alert {} resolved: {} is {}", t.rule().name(), t.rule().figure().wireName(), HistoryJson.round(t.value()));
            }
            Counter.builder(TRANSITIONS).tags("alert", t.rule().name(), "state", t.state())
                    .description("Alert rules of this node that fired or resolved, by rule and state").register(registry).increment();
            announce.accept(t);
        }
    }

    /** A scheduled task that fails is logged, never allowed to cancel its schedule. */
    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("cannot {}: {}", what, e.toString());
        }
    }

    public MetricHistory history() {
        return history;
    }

    public Alerts alerts() {
        return alerts;
    }

    @Override
    public synchronized void close() {
        if (sampling != null) {
            sampling.cancel(false);
        }
        if (checking != null) {
            checking.cancel(false);
        }
    }
}
