package io.wscluster.transport;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which browser pages may open a WebSocket here (the {@code Origin} of the upgrade): pages of the
 * same origin always, and those matching {@code allowed-origins} ({@code *} in a pattern matches any
 * run of characters; {@code *} alone, any origin). A request without {@code Origin} is not from a
 * browser page and is not subject to it: the check exists against cross-site WebSocket hijacking,
 * where a page elsewhere uses a visitor's cookies or network position.
 */
final class OriginPolicy {
    private final List<Pattern> allowed;
    private final boolean any;

    OriginPolicy(List<String> patterns) {
        this.any = patterns.contains("*");
        this.allowed = patterns.stream().map(OriginPolicy::glob).toList();
    }

    /**
     * @param host          the request's {@code Host}
     * @param forwardedHost its {@code X-Forwarded-Host} (a gateway or proxy in front; a browser
     *                      cannot set it on a WebSocket upgrade)
     */
    boolean allows(String origin, String host, String forwardedHost) {
        if (origin == null || any) {
            return true;
        }
        String lower = origin.trim().toLowerCase(Locale.ROOT);
        int scheme = lower.indexOf("://");
        String authority = scheme < 0 ? "" : lower.substring(scheme + 3);
        if (!authority.isEmpty() && (authority.equalsIgnoreCase(trim(host)) || authority.equalsIgnoreCase(trim(forwardedHost)))) {
            return true;
        }
        for (Pattern p : allowed) {
            if (p.matcher(lower).matches()) {
                return true;
            }
        }
        return false;
    }

    private static String trim(String header) {
        if (header == null) {
            return "";
        }
        int comma = header.indexOf(',');
        return (comma < 0 ? header : header.substring(0, comma)).trim();
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.trim().toLowerCase(Locale.ROOT).split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
