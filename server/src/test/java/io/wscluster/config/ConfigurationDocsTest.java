package io.wscluster.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every setting under its name and variable. */
class ConfigurationDocsTest {

    @Test
    void everySettingIsDocumented() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (Setting s : Settings.ALL) {
            assertThat(doc).as("docs/configuration.md row for " + s.name())
                    .contains("| `" + s.name() + "` | `" + s.envName() + "` |");
        }
    }
}
