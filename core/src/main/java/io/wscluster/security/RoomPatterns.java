package io.wscluster.security;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Room names or patterns a token grants, {@code *} matching any run of characters
 * ({@code chat:team-*}, {@code user:42:*}). Immutable; checks are a scan of a few compiled patterns.
 */
public final class RoomPatterns {
    /** Most patterns one claim may hold: a token is a credential, not a database. */
    public static final int MAX_PATTERNS = 256;
    public static final RoomPatterns NONE = new RoomPatterns(List.of());

    private final List<String> exact;
    private final List<Pattern> wildcards;

    private RoomPatterns(List<String> patterns) {
        List<String> names = new ArrayList<>();
        List<Pattern> globs = new ArrayList<>();
        for (String p : patterns) {
            if (p.indexOf('*') < 0) {
                names.add(p);
            } else {
                globs.add(glob(p));
            }
        }
        exact = List.copyOf(names);
        wildcards = List.copyOf(globs);
    }

    /** @throws IllegalArgumentException when there are too many patterns or one is empty */
    public static RoomPatterns of(List<String> patterns) {
        if (patterns.isEmpty()) {
            return NONE;
        }
        if (patterns.size() > MAX_PATTERNS) {
            throw new IllegalArgumentException("more than " + MAX_PATTERNS + " room patterns");
        }
        for (String p : patterns) {
            if (p == null || p.isEmpty() || p.length() > 400) {
                throw new IllegalArgumentException("a room pattern must be 1 to 400 characters");
            }
        }
        return new RoomPatterns(patterns);
    }

    public boolean matches(String room) {
        if (exact.contains(room)) {
            return true;
        }
        for (Pattern p : wildcards) {
            if (p.matcher(room).matches()) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return exact.isEmpty() && wildcards.isEmpty();
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        int from = 0;
        for (int star = pattern.indexOf('*'); star >= 0; star = pattern.indexOf('*', from)) {
            if (star > from) {
                regex.append(Pattern.quote(pattern.substring(from, star)));
            }
            regex.append(".*");
            from = star + 1;
        }
        if (from < pattern.length()) {
            regex.append(Pattern.quote(pattern.substring(from)));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
