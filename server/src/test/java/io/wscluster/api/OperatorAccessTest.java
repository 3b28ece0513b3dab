package io.wscluster.api;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.wscluster.api.OperatorAccess.Kind;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.transport.HttpCaller;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rules of the operator surface, for callers the tests cannot be (another host). */
class OperatorAccessTest {
    private static final HttpCaller PUBLIC_REMOTE = new HttpCaller(false, false);
    private static final HttpCaller OPERATOR_LOOPBACK = new HttpCaller(true, true);
    private static final HttpCaller OPERATOR_REMOTE = new HttpCaller(true, false);

    @Test
    void thePublicListenerShowsOnlyClientEndpointsAndThePageWhenItIsOn() {
        OperatorAccess off = new OperatorAccess(null, null, false);
        OperatorAccess on = new OperatorAccess(null, null, true);
        assertThat(off.visible(Kind.CLIENT, PUBLIC_REMOTE)).isTrue();
        assertThat(off.visible(Kind.PAGE, PUBLIC_REMOTE)).isFalse();
        assertThat(on.visible(Kind.PAGE, PUBLIC_REMOTE)).isTrue();
        for (Kind operatorOnly : new Kind[] {Kind.READ, Kind.METRICS, Kind.PUBLISH, Kind.ADMIN}) {
            assertThat(on.visible(operatorOnly, PUBLIC_REMOTE)).as(operatorOnly.name()).isFalse();
            assertThat(off.visible(operatorOnly, OPERATOR_REMOTE)).as(operatorOnly.name()).isTrue();
        }
    }

    @Test
    void withoutKeysOnlyLoopbackMayUseTheOperatorSurface() {
        OperatorAccess access = new OperatorAccess(null, null, false);
        for (Kind kind : new Kind[] {Kind.READ, Kind.METRICS, Kind.PUBLISH, Kind.ADMIN}) {
            assertThatCode(() -> access.check(kind, headers(null), OPERATOR_LOOPBACK)).doesNotThrowAnyException();
            assertRefused(() -> access.check(kind, headers(null), OPERATOR_REMOTE), ErrorCode.FORBIDDEN);
            assertRefused(() -> access.check(kind, headers("Bearer guess"), OPERATOR_REMOTE), ErrorCode.FORBIDDEN);
        }
        assertThatCode(() -> access.check(Kind.CLIENT, headers(null), OPERATOR_REMOTE)).doesNotThrowAnyException();
    }

    @Test
    void eachKindTakesItsOwnKeyFromEveryoneOnceOneIsSet() {
        OperatorAccess access = new OperatorAccess("api", "admin", false);
        for (HttpCaller caller : new HttpCaller[] {OPERATOR_LOOPBACK, OPERATOR_REMOTE}) {
            assertRefused(() -> access.check(Kind.PUBLISH, headers(null), caller), ErrorCode.UNAUTHORIZED);
            assertRefused(() -> access.check(Kind.PUBLISH, headers("Bearer admin"), caller), ErrorCode.UNAUTHORIZED);
            assertThatCode(() -> access.check(Kind.PUBLISH, headers("Bearer api"), caller)).doesNotThrowAnyException();
            assertRefused(() -> access.check(Kind.ADMIN, headers("Bearer api"), caller), ErrorCode.UNAUTHORIZED);
            assertRefused(() -> access.check(Kind.ADMIN, headers("Basic admin"), caller), ErrorCode.UNAUTHORIZED);
            assertThatCode(() -> access.check(Kind.ADMIN, headers("bearer admin"), caller)).doesNotThrowAnyException();
            assertThatCode(() -> access.check(Kind.READ, headers("Bearer api"), caller)).doesNotThrowAnyException();
            assertThatCode(() -> access.check(Kind.READ, headers("Bearer admin"), caller)).doesNotThrowAnyException();
            assertRefused(() -> access.check(Kind.READ, headers("Bearer adminx"), caller), ErrorCode.UNAUTHORIZED);
        }
        assertThatCode(() -> access.check(Kind.METRICS, headers(null), OPERATOR_LOOPBACK)).doesNotThrowAnyException();
        assertRefused(() -> access.check(Kind.METRICS, headers(null), OPERATOR_REMOTE), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void anApiKeyAloneDoesNotOpenAdminToOtherHosts() {
        OperatorAccess access = new OperatorAccess("api", null, false);
        assertRefused(() -> access.check(Kind.ADMIN, headers("Bearer api"), OPERATOR_REMOTE), ErrorCode.FORBIDDEN);
        assertThatCode(() -> access.check(Kind.ADMIN, headers(null), OPERATOR_LOOPBACK)).doesNotThrowAnyException();
    }

    private static HttpHeaders headers(String authorization) {
        HttpHeaders h = new DefaultHttpHeaders();
        if (authorization != null) {
            h.set("Authorization", authorization);
        }
        return h;
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(code));
    }
}
