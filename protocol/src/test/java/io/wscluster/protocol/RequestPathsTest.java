package io.wscluster.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RequestPathsTest {

    @Test
    void theRawPathIsThePathAsSentUpToTheQuery() {
        assertThat(RequestPaths.raw("/ws?session=a%2Fb")).isEqualTo("/ws");
        assertThat(RequestPaths.raw("/admin%2Fdrain")).isEqualTo("/admin%2Fdrain");
        assertThat(RequestPaths.raw("/x/../admin/drain#frag")).isEqualTo("/x/../admin/drain");
        assertThat(RequestPaths.raw("")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin%2Fdrain", "/%61dmin/drain", "/./admin/drain", "/ws/../admin/drain", "//admin/drain",
            "/admin/drain/..", "/admin\\drain", "admin/drain", "", "http://host/admin/drain", "/api/%2e%2e/admin/drain"})
    void encodedOrDotSegmentPathsAreNotPlain(String path) {
        assertThat(RequestPaths.plain(path)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/ws", "/index.html", "/api/cluster", "/admin/drain", "/a.b/c..d"})
    void plainPathsArePlain(String path) {
        assertThat(RequestPaths.plain(path)).isTrue();
    }
}
