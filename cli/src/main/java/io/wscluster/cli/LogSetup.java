package io.wscluster.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * How a {@code wsc} process logs: Logback on standard error, as text lines (time, level, thread,
 * node id, logger, message) or as one JSON object per line for log shippers, with a level for
 * the root and for any logger by name. Applied once by the serving commands (node, gateway, demo)
 * before anything starts; {@code logback.xml} in the jar holds the same text format for the others.
 */
final class LogSetup {
    static final String FORMAT_VARIABLE = "WSC_LOG_FORMAT";
    static final String LEVEL_VARIABLE = "WSC_LOG_LEVEL";
    /** The context property every line carries as the node id (the gateway's name for a gateway). */
    static final String NODE_PROPERTY = "node";
    /**
     * Levels in force unless the level setting names the logger: Lettuce logs every reconnect
     * attempt of every connection (two lines each, twice a second during an outage), while the
     * node's own lines already say that Redis stopped answering and when it answers again.
     */
    static final Map<String, Level> DEFAULT_LEVELS = Map.of("io.lettuce.core.protocol", Level.ERROR);
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %property{node} %logger{36} - %msg%n";

    /**
     * @param json   one JSON object per line instead of text
     * @param root   the level of every logger not named in {@code levels}
     * @param levels levels by logger name (a package names all of its loggers)
     */
    record Choice(boolean json, Level root, Map<String, Level> levels) {
    }

    private LogSetup() {
    }

    /**
     * Reads the choice from the flags given (null when absent), else the environment.
     *
     * @throws IllegalArgumentException with one line that names the setting and what is wrong
     */
    static Choice choose(String formatFlag, String levelFlag, Map<String, String> env) {
        String format = formatFlag != null ? formatFlag : env.getOrDefault(FORMAT_VARIABLE, "text");
        String formatSource = formatFlag != null ? "--log-format" : FORMAT_VARIABLE;
        boolean json = switch (format.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> false;
            case "json" -> true;
            default -> throw new IllegalArgumentException(formatSource + ": '" + format + "' is neither text nor json");
        };
        String level = levelFlag != null ? levelFlag : env.getOrDefault(LEVEL_VARIABLE, "info");
        String levelSource = levelFlag != null ? "--log-level" : LEVEL_VARIABLE;
        Level root = Level.INFO;
        Map<String, Level> levels = new LinkedHashMap<>(DEFAULT_LEVELS);
        for (String part : level.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                root = level(p, levelSource);
            } else if (eq == 0) {
                throw new IllegalArgumentException(levelSource + ": '" + p + "' names no logger before '='");
            } else {
                levels.put(p.substring(0, eq).trim(), level(p.substring(eq + 1), levelSource));
            }
        }
        return new Choice(json, root, levels);
    }

    private static Level level(String name, String source) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        return switch (n) {
            case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF" -> Level.toLevel(n);
            default -> throw new IllegalArgumentException(source + ": '" + name.trim()
                    + "' is not a level (trace, debug, info, warn, error or off)");
        };
    }

    /** Replaces whatever configuration Logback has with {@code choice}. */
    static void apply(Choice choice) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        ctx.putProperty(NODE_PROPERTY, "-");
        Encoder<ILoggingEvent> encoder = choice.json() ? jsonEncoder(ctx) : textEncoder(ctx);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(console);
        root.setLevel(choice.root());
        choice.levels().forEach((name, level) -> ctx.getLogger(name).setLevel(level));
    }

    /** From now on, every line carries {@code id} as the node id. */
    static void nodeId(String id) {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).putProperty(NODE_PROPERTY, id);
    }

    private static Encoder<ILoggingEvent> textEncoder(LoggerContext ctx) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern(TEXT_PATTERN);
        return e;
    }

    /** Logback's own JSON lines; the node id is in {@code context.properties.node}. */
    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext ctx) {
        JsonEncoder e = new JsonEncoder();
        e.setContext(ctx);
        e.setWithSequenceNumber(false);
        e.setWithNanoseconds(false);
        e.setWithArguments(false);
        e.setWithMessage(false); // the formatted message says it all
        e.setWithFormattedMessage(true);
        e.setWithMDC(false); // nothing here puts anything there
        e.setWithKVPList(false);
        return e;
    }
}
