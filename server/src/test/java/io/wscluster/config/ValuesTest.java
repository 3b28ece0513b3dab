package io.wscluster.config;

import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Default texts are rendered from the constants and read back as the same values. */
class ValuesTest {

    @Test
    void durationsRenderInTheLargestWholeUnitAndReadBack() {
        for (String text : new String[] {"1ms", "100ms", "1500ms", "1s", "25s", "90s", "1m", "5m", "1h", "0s"}) {
            assertThat(Values.text(Values.duration(text))).isEqualTo(text);
        }
        assertThat(Values.text(Duration.ofSeconds(60))).isEqualTo("1m");
        assertThat(Values.text(Duration.ofMinutes(120))).isEqualTo("2h");
    }

    @Test
    void sizesRenderInTheLargestWholeBinaryUnitAndReadBack() {
        assertThat(Values.sizeText(64 * 1024)).isEqualTo("64KiB");
        assertThat(Values.sizeText(1024 * 1024)).isEqualTo("1MiB");
        assertThat(Values.sizeText(1000)).isEqualTo("1000");
        for (int bytes : new int[] {0, 1, 1000, 1024, 65536, 1536 * 1024, 1024 * 1024}) {
            assertThat(Values.size(Values.sizeText(bytes))).isEqualTo(bytes);
        }
    }

    @Test
    void aKeyFileGivesItsFirstLineAndAnEmptyOrMissingFileIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("key"), "s3cret-key \nsecond line\n");
        assertThat(Values.secretFile(key.toString())).isEqualTo("s3cret-key");
        java.nio.file.Path empty = java.nio.file.Files.writeString(dir.resolve("empty"), "\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Values.secretFile(empty.toString())).hasMessage("an empty file");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Values.secretFile(dir.resolve("none").toString()))
                .hasMessage("not a readable file");
    }

    @Test
    void everyDefaultTextIsAValueItsSettingAccepts() {
        for (Setting s : Settings.ALL) {
            boolean literal = !s.defaultText().equals("none") && !s.defaultText().equals("generated")
                    && !s.defaultText().contains("<") && !s.defaultText().contains(" ");
            if (literal) {
                s.apply().accept(io.wscluster.NodeOptions.builder(), s.defaultText());
            }
        }
    }
}
