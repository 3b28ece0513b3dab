package io.wscluster.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks a Prometheus scrape against {@code docs/metrics.md}: every metric family it holds must be named there. */
public final class MetricsDoc {
    private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) ");

    private MetricsDoc() {
    }

    /** The families of {@code scrape} that docs/metrics.md (read from the module's parent directory) does not name. */
    public static Set<String> undocumented(String scrape) throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "metrics.md"));
        Set<String> missing = new TreeSet<>();
        Matcher m = TYPE.matcher(scrape);
        while (m.find()) {
            String family = m.group(1).replaceAll("_max$", "");
            if (!doc.contains("`" + family + "`")) {
                missing.add(family);
            }
        }
        return missing;
    }
}
