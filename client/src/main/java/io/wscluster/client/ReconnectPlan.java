package io.wscluster.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where and when one client connects next. After a {@code reconnect} frame: to the URL it names (or
 * another one) after the delay it asks for. After any other end: to another URL than the one that
 * ended, after the backoff delay for the failures since the last welcome. Used on the client's event
 * loop only.
 */
final class ReconnectPlan {
    /** How many URLs that moves sent the client to are kept to try again (the oldest leaves first). */
    private static final int MAX_LEARNED = 8;

    /** The next attempt: {@code url} after {@code delayMillis}. */
    record Next(String url, long delayMillis) {
    }

    private final ClientOptions options;
    /** The URLs beyond the configured ones that welcomed this client. */
    private final List<String> learned = new ArrayList<>();
    /** The URL of the connection being opened. */
    private String opening;
    private int attempt;
    private String movedTo;
    private long moveAfterMillis = -1;

    ReconnectPlan(ClientOptions options) {
        this.options = options;
    }

    /** A connection to {@code url} is being opened. */
    void opening(String url) {
        opening = url;
    }

    /** The connection being opened was welcomed: backoff starts over, and a node a move sent it to is kept. */
    void welcomed() {
        if (!options.urls().contains(opening) && !learned.contains(opening)) {
            learned.add(opening); // worth trying again when the configured ones fail
            if (learned.size() > MAX_LEARNED) {
                learned.remove(0);
            }
        }
        attempt = 0;
    }

    /** The server asked the client to move to {@code url} (null: wherever) after {@code afterMillis}. */
    void moveRequested(String url, long afterMillis) {
        movedTo = url;
        moveAfterMillis = afterMillis;
    }

    /** The connection ended: where and when to try next. A move asked for applies to this one attempt. */
    Next next() {
        Next next;
        if (movedTo != null || moveAfterMillis >= 0) {
            next = new Next(movedTo != null ? movedTo : otherUrl(), Math.max(0, moveAfterMillis));
        } else {
            next = new Next(otherUrl(), options.backoff().delay(attempt++).toMillis());
        }
        movedTo = null;
        moveAfterMillis = -1;
        return next;
    }

    /**
     * Another URL than the last, at random among the configured ones and the learned ones. Random,
     * not in turn: the clients of a node that died all lose it at once, and in turn they would all
     * land on the same next node.
     */
    private String otherUrl() {
        List<String> others = new ArrayList<>(options.urls().size() + learned.size());
        for (String u : options.urls()) {
            if (!u.equals(opening)) {
                others.add(u);
            }
        }
        for (String u : learned) {
            if (!u.equals(opening) && !others.contains(u)) {
                others.add(u);
            }
        }
        return others.isEmpty() ? opening : others.get(ThreadLocalRandom.current().nextInt(others.size()));
    }
}
