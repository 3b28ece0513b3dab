package io.wscluster.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Room names or patterns a token grants, {@code *} matching any run of characters
 * ({@code chat:team-*}, {@code user:42:*}). Immutable; checks are a scan of a few compiled patterns.
 */
public final class RoomPatterns {
    /** Most patterns one claim may hold: a token is a credential, not a database. */
    public static final int MAX_PATTERNS = 256;
    public static final RoomPatterns NONE = new RoomPatterns(List.of());

    private final Set<String> exact;
    /** Each wildcard pattern split at its {@code *}s: the text before the first, between, and after the last. */
    private final List<String[]> wildcards;

    private RoomPatterns(List<String> patterns) {
        List<String> names = new ArrayList<>();
        List<String[]> globs = new ArrayList<>();
        for (String p : patterns) {
            if (p.indexOf('*') < 0) {
                names.add(p);
            } else {
                globs.add(p.split("\\*", -1));
            }
        }
        exact = Set.copyOf(names);
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
        for (String[] parts : wildcards) {
            if (matches(parts, room)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code room} starts with the first part, ends with the last, and holds the others in order between. */
    private static boolean matches(String[] parts, String room) {
        String first = parts[0];
        String last = parts[parts.length - 1];
        if (room.length() < first.length() + last.length() || !room.startsWith(first) || !room.endsWith(last)) {
            return false;
        }
        int from = first.length();
        int end = room.length() - last.length();
        for (int i = 1; i < parts.length - 1; i++) {
            int at = room.indexOf(parts[i], from);
            if (at < 0 || at + parts[i].length() > end) {
                return false;
            }
            from = at + parts[i].length();
        }
        return true;
    }

    public boolean isEmpty() {
        return exact.isEmpty() && wildcards.isEmpty();
    }
}
