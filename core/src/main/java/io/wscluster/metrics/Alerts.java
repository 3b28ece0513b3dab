package io.wscluster.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks {@link AlertRule}s against each new {@link FigureSample}: a rule whose condition has held
 * for its duration fires; a firing rule whose condition no longer holds resolves. Keeps what fires
 * now and the last {@link #KEPT} transitions. Thread-safe.
 */
public final class Alerts {
    static final int KEPT = 100;

    /** A rule's state: since when its condition holds (or -1), whether it fires, and since when. */
    private static final class State {
        long holdsSince = -1;
        boolean firing;
        long firingSince;
        double value;
    }

    /** A rule firing or resolving, with the figure's value then. */
    public record Transition(AlertRule rule, boolean firing, double value, long atMillis) {
        public String state() {
            return firing ? "firing" : "resolved";
        }
    }

    /** A rule firing now. */
    public record Firing(AlertRule rule, double value, long sinceMillis) {
    }

    private final List<AlertRule> rules;
    private final State[] states;
    private final ArrayDeque<Transition> recent = new ArrayDeque<>();

    public Alerts(List<AlertRule> rules) {
        this.rules = List.copyOf(rules);
        this.states = new State[rules.size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = new State();
        }
    }

    public List<AlertRule> rules() {
        return rules;
    }

    /** Checks every rule against {@code sample}; returns what fired or resolved with it, in rule order. */
    public synchronized List<Transition> check(FigureSample sample) {
        List<Transition> out = new ArrayList<>(0);
        long now = sample.atMillis();
        for (int i = 0; i < rules.size(); i++) {
            AlertRule rule = rules.get(i);
            State s = states[i];
            double value = sample.get(rule.figure());
            s.value = value;
            if (rule.holds(value)) {
                if (s.holdsSince < 0) {
                    s.holdsSince = now;
                }
                if (!s.firing && now - s.holdsSince >= rule.holdFor().toMillis()) {
                    s.firing = true;
                    s.firingSince = now;
                    out.add(new Transition(rule, true, value, now));
                }
            } else {
                s.holdsSince = -1;
                if (s.firing) {
                    s.firing = false;
                    out.add(new Transition(rule, false, value, now));
                }
            }
        }
        for (Transition t : out) {
            if (recent.size() == KEPT) {
                recent.removeFirst();
            }
            recent.addLast(t);
        }
        return out;
    }

    /** The rules firing now, with their latest values. */
    public synchronized List<Firing> firing() {
        List<Firing> out = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            if (states[i].firing) {
                out.add(new Firing(rules.get(i), states[i].value, states[i].firingSince));
            }
        }
        return out;
    }

    /** How many rules of {@code severity} fire now. */
    public synchronized int firing(AlertRule.Severity severity) {
        int n = 0;
        for (int i = 0; i < rules.size(); i++) {
            n += states[i].firing && rules.get(i).severity() == severity ? 1 : 0;
        }
        return n;
    }

    /** The last transitions, newest last. */
    public synchronized List<Transition> recent() {
        return List.copyOf(recent);
    }
}
