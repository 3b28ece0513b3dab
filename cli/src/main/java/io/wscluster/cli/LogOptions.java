package io.wscluster.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** The log flags of the serving commands ({@link LogSetup}); the variables stand in when a flag is absent. */
final class LogOptions {
    @Option(names = "--log-format", paramLabel = "<text|json>", description = "Log lines as text or as one JSON object per line."
            + " Default: text. Env: " + LogSetup.FORMAT_VARIABLE + ".")
    String format;

    @Option(names = "--log-level", paramLabel = "<levels>", description = "The root level, then levels by logger or package:"
            + " 'info,io.wscluster.redis=debug,io.netty=warn'. Levels: trace, debug, info, warn, error, off. Default: info."
            + " Env: " + LogSetup.LEVEL_VARIABLE + ".")
    String level;

    /**
     * Configures logging from these flags and {@code env}; on a bad value prints one line naming it
     * and returns false (the command then exits with 2).
     */
    boolean apply(String command, Map<String, String> env) {
        try {
            LogSetup.apply(LogSetup.choose(format, level, env));
            return true;
        } catch (IllegalArgumentException e) {
            System.err.println("wsc " + command + ": " + e.getMessage());
            return false;
        }
    }
}
