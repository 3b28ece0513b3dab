package io.wscluster.protocol;

/**
 * The path of an HTTP request as the nodes and the gateway route on it: exactly as sent, never
 * decoded or normalised, so that {@code /admin%2Fdrain} or {@code /x/../admin/drain} cannot reach
 * what {@code /admin/drain} reaches, here or behind a proxy that filters on prefixes.
 */
public final class RequestPaths {
    private RequestPaths() {
    }

    /** The path of a request-target as sent: up to {@code ?} or {@code #}. */
    public static String raw(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                return uri.substring(0, i);
            }
        }
        return uri;
    }

    /**
     * Whether {@code path} is written plainly: starts with {@code /}, and has no percent-encoding,
     * backslash, empty segment or dot segment, so that every server and proxy reads it the same way.
     */
    public static boolean plain(String path) {
        if (path.isEmpty() || path.charAt(0) != '/' || path.indexOf('%') >= 0 || path.indexOf('\\') >= 0
                || path.contains("//")) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
