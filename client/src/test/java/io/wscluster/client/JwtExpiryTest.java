package io.wscluster.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** When the client asks for the next token: read from the JWT's exp, without a JWT library. */
class JwtExpiryTest {
    @Test
    void readsExpInMillisAndNothingFromWhatIsNoJwt() {
        assertThat(JwtExpiry.millis(jwt("{\"sub\":\"alice\",\"exp\":1764250000}"))).isEqualTo(1_764_250_000_000L);
        assertThat(JwtExpiry.millis(jwt("{\"sub\":\"alice\"}"))).isZero();
        assertThat(JwtExpiry.millis(jwt("{\"exp\":\"soon\"}"))).isZero();
        assertThat(JwtExpiry.millis("opaque-api-token")).isZero();
        assertThat(JwtExpiry.millis("a.%%%.c")).isZero();
        assertThat(JwtExpiry.millis(null)).isZero();
    }

    @Test
    void refreshesAt85PercentOfTheRemainingLifeAndAtLeastFiveSecondsBeforeWhenItCan() {
        assertThat(JwtExpiry.refreshDelayMillis(3_600_000, 0)).isEqualTo(3_060_000); // an hour: 9 min before
        assertThat(JwtExpiry.refreshDelayMillis(60_000, 0)).isEqualTo(51_000);
        assertThat(JwtExpiry.refreshDelayMillis(20_000, 0)).isEqualTo(15_000); // 5 s before, more than 15%
        assertThat(JwtExpiry.refreshDelayMillis(6_000, 0)).isEqualTo(3_000); // short: at half its life
        assertThat(JwtExpiry.refreshDelayMillis(1_000, 5_000)).isZero(); // expired: at once
    }

    private static String jwt(String payload) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".sig";
    }
}
