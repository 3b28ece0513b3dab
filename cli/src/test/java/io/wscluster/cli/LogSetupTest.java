package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSetupTest {

    @Test
    void textAtInfoWithLettucesReconnectChatterQuietByDefault() {
        LogSetup.Choice c = LogSetup.choose(null, null, Map.of());
        assertThat(c.json()).isFalse();
        assertThat(c.root()).isEqualTo(Level.INFO);
        assertThat(c.levels()).isEqualTo(Map.of("io.lettuce.core.protocol", Level.ERROR));
    }

    @Test
    void aRootLevelAndLevelsByLoggerWhichMayUndoADefault() {
        LogSetup.Choice c = LogSetup.choose(null, null, Map.of(LogSetup.FORMAT_VARIABLE, "JSON",
                LogSetup.LEVEL_VARIABLE, " warn , io.wscluster.redis=debug,io.lettuce.core.protocol=info,"));
        assertThat(c.json()).isTrue();
        assertThat(c.root()).isEqualTo(Level.WARN);
        assertThat(c.levels()).containsEntry("io.wscluster.redis", Level.DEBUG).containsEntry("io.lettuce.core.protocol", Level.INFO);
    }

    @Test
    void flagsWinOverTheEnvironment() {
        LogSetup.Choice c = LogSetup.choose("text", "error", Map.of(LogSetup.FORMAT_VARIABLE, "json", LogSetup.LEVEL_VARIABLE, "debug"));
        assertThat(c.json()).isFalse();
        assertThat(c.root()).isEqualTo(Level.ERROR);
    }

    @Test
    void badValuesNameWhereTheyCameFrom() {
        assertThatThrownBy(() -> LogSetup.choose(null, null, Map.of(LogSetup.FORMAT_VARIABLE, "xml")))
                .hasMessage("WSC_LOG_FORMAT: 'xml' is neither text nor json");
        assertThatThrownBy(() -> LogSetup.choose(null, "info,=debug", Map.of()))
                .hasMessage("--log-level: '=debug' names no logger before '='");
        assertThatThrownBy(() -> LogSetup.choose(null, "io.netty=chatty", Map.of()))
                .hasMessage("--log-level: 'chatty' is not a level (trace, debug, info, warn, error or off)");
    }
}
