package io.wscluster.api;

import io.wscluster.transport.HttpReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator dashboard's files, read from the jar once: {@code /dashboard} is its page, and
 * {@code /dashboard/<name>} its script, style and the vendored uPlot (MIT, its licence beside it).
 * Only these paths exist: no name is ever resolved against the file system or the class path.
 */
public final class DashboardFiles {
    private static final String BASE = "/io/wscluster/api/dashboard/";
    private static final Map<String, String> TYPES = Map.of(
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "uPlot.iife.min.js", "text/javascript; charset=utf-8",
            "uPlot.min.css", "text/css; charset=utf-8",
            "uPlot.LICENSE", "text/plain; charset=utf-8");

    private final Map<String, HttpReply> replies = new LinkedHashMap<>();

    public DashboardFiles() {
        replies.put("/dashboard", reply("dashboard.html", "text/html; charset=utf-8"));
        TYPES.forEach((name, type) -> replies.put("/dashboard/" + name, reply(name, type)));
    }

    /** Every path the dashboard serves, with its answer. */
    public Map<String, HttpReply> replies() {
        return Map.copyOf(replies);
    }

    private static HttpReply reply(String name, String type) {
        try (InputStream in = DashboardFiles.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + BASE + name);
            }
            // The files change with the jar, not while it runs: a browser may keep them for a while.
            return new HttpReply(200, type, in.readAllBytes(), Map.of("Cache-Control", "private, max-age=300"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
