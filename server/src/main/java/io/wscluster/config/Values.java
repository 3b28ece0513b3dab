package io.wscluster.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for setting and option values: integers, sizes ({@code 64KiB}), durations ({@code 25s}),
 * booleans; and the text of a default in the same form.
 */
public final class Values {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kib|kb|k|mib|mb|m|gib|gb|g)?");

    private Values() {
    }

    public static int integer(String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    public static double decimal(String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
    }

    public static boolean bool(String v) {
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1":
                return true;
            case "false": case "no": case "off": case "0":
                return false;
            default:
                throw new IllegalArgumentException("not true or false");
        }
    }

    public static Duration duration(String v) {
        Matcher m = DURATION.matcher(v.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration such as 500ms, 25s, 5m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms": return Duration.ofMillis(n);
            case "s": return Duration.ofSeconds(n);
            case "m": return Duration.ofMinutes(n);
            default: return Duration.ofHours(n);
        }
    }

    public static int size(String v) {
        Matcher m = SIZE.matcher(v.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size such as 65536, 64KiB or 1MiB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long factor = unit.startsWith("k") ? 1024 : unit.startsWith("m") ? 1024 * 1024 : unit.startsWith("g") ? 1024L * 1024 * 1024 : 1;
        long bytes = n * factor;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("larger than 2GiB");
        }
        return (int) bytes;
    }

    /** {@code d} in the largest unit that holds it whole, as {@link #duration} reads it: {@code 25s}, {@code 5m}, {@code 100ms}. */
    public static String text(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** {@code bytes} in the largest binary unit that holds it whole, as {@link #size} reads it: {@code 64KiB}, {@code 1MiB}. */
    public static String sizeText(int bytes) {
        if (bytes != 0 && bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + "MiB";
        }
        return bytes != 0 && bytes % 1024 == 0 ? bytes / 1024 + "KiB" : String.valueOf(bytes);
    }

    /** The first line of the file at {@code path}, trimmed: a key kept out of flags and the environment. */
    public static String secretFile(String path) {
        String first;
        try (java.io.BufferedReader in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(path.trim()))) {
            first = in.readLine();
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("not a readable file");
        }
        if (first == null || first.isBlank()) {
            throw new IllegalArgumentException("an empty file");
        }
        return first.trim();
    }

    /** A comma-separated list, each item trimmed, empty items dropped. */
    public static java.util.List<String> list(String v) {
        return java.util.Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /** A comma-separated list as {@link #list}; {@code none} (or nothing) is the empty list. */
    public static java.util.List<String> listOrNone(String v) {
        return "none".equalsIgnoreCase(v.trim()) ? java.util.List.of() : list(v);
    }

    /** The public keys of a PEM file. */
    public static java.util.List<java.security.PublicKey> publicKeys(String path) {
        String pem;
        try {
            pem = java.nio.file.Files.readString(java.nio.file.Path.of(path.trim()));
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("not a readable file");
        }
        return io.wscluster.security.PublicKeys.parsePem(pem);
    }

    /** An absolute URI. */
    public static java.net.URI uri(String v) {
        try {
            java.net.URI uri = new java.net.URI(v.trim());
            if (!uri.isAbsolute() || uri.getHost() == null) {
                throw new IllegalArgumentException("not an absolute URL");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a URL");
        }
    }

    /** A readable file. */
    public static java.nio.file.Path path(String v) {
        java.nio.file.Path file;
        try {
            file = java.nio.file.Path.of(v.trim());
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("not a file name");
        }
        if (!java.nio.file.Files.isReadable(file)) {
            throw new IllegalArgumentException("not a readable file");
        }
        return file;
    }
}
