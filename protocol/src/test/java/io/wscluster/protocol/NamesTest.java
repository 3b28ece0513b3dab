package io.wscluster.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Room names: 1 to 200 characters of letters, digits and {@code _ - . : @ /} (protocol.md). "Letters"
 * and "digits" are read as ASCII, the portable reading for names that travel to Redis keys and URLs.
 */
class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "7", "prices", "ns:name", "chat:room-1", "a_b-c.d:e@f/g", "user@example.com",
            "org/team/channel", "...", "::", "-", "_", "@", "/", "ALLCAPS123"})
    void validRooms(String room) {
        assertThat(Names.isValidRoom(room)).isTrue();
        assertThat(Names.requireRoom(room)).isEqualTo(room);
    }

    @Test
    void twoHundredCharactersIsTheLongestRoom() {
        assertThat(Names.MAX_ROOM_LENGTH).isEqualTo(200);
        assertThat(Names.isValidRoom("r".repeat(200))).isTrue();
        assertThat(Names.isValidRoom("r".repeat(201))).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "a b", "a\tb", "a\nb", "a#b", "a*b", "a?b", "a%20b", "a+b", "a,b", "a;b", "\"a\"", "a\\b",
            "caf\u00e9", "\u0440\u0443\u0441", "\u0661\u0662", "emoji\uD83D\uDE00", "a\u0000b", "ns:na~me"})
    void invalidRooms(String room) {
        assertThat(Names.isValidRoom(room)).isFalse();
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> Names.requireRoom(room));
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.getMessage()).contains("room");
    }

    @Test
    void requireRoomSaysWhatIsWrong() {
        assertThat(catchThrowableOfType(ProtocolException.class, () -> Names.requireRoom(null)).getMessage())
                .isEqualTo("missing field 'room'");
        assertThat(catchThrowableOfType(ProtocolException.class, () -> Names.requireRoom("")).getMessage())
                .contains("empty");
        assertThat(catchThrowableOfType(ProtocolException.class, () -> Names.requireRoom("r".repeat(201))).getMessage())
                .contains("longer than 200");
        assertThat(catchThrowableOfType(ProtocolException.class, () -> Names.requireRoom("a b")).getMessage())
                .isEqualTo("room name may hold only letters, digits and _ - . : @ / (character 2 is U+0020)");
        assertThat(catchThrowableOfType(ProtocolException.class, () -> Names.requireRoom("ok\nFAKE LOG LINE")).getMessage())
                .as("the client's bytes are not echoed").doesNotContain("\n", "FAKE").endsWith("(character 3 is U+000A)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "7f3c9a", "Session_1-2", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"})
    void validSessionIds(String id) {
        assertThat(id.length()).isLessThanOrEqualTo(64);
        assertThat(Names.isValidSessionId(id)).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"a.b", "a:b", "a@b", "a/b", "a b", "caf\u00e9", "a\nb"})
    void invalidSessionIds(String id) {
        assertThat(Names.isValidSessionId(id)).isFalse();
    }

    @Test
    void sixtyFourCharactersIsTheLongestSessionId() {
        assertThat(Names.isValidSessionId("s".repeat(64))).isTrue();
        assertThat(Names.isValidSessionId("s".repeat(65))).isFalse();
    }

    @Test
    void users() {
        assertThat(Names.requireUser("alice")).isEqualTo("alice");
        assertThat(Names.requireUser("any chars, even caf\u00e9")).isNotNull();
        assertThat(Names.requireUser("u".repeat(200))).hasSize(200);
        assertThat(catchThrowableOfType(ProtocolException.class, () -> Names.requireUser(null)).getMessage())
                .isEqualTo("missing field 'user'");
        for (String bad : new String[] {"", "u".repeat(201)}) {
            ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> Names.requireUser(bad));
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e.getMessage()).contains("user");
        }
    }
}
