package io.wscluster.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The wildcard matching of grants agrees with the obvious regular expression on any pattern and room. */
class RoomPatternsProperties {

    @Property(tries = 5000)
    void aPatternMatchesExactlyWhatItsRegularExpressionMatches(@ForAll("patterns") String pattern, @ForAll("rooms") String room) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
        }
        assertThat(RoomPatterns.of(List.of(pattern)).matches(room))
                .as("%s against %s", pattern, room).isEqualTo(Pattern.matches(regex.toString(), room));
    }

    @Provide
    Arbitrary<String> patterns() {
        return Arbitraries.strings().withChars("ab:*").ofMinLength(1).ofMaxLength(8);
    }

    @Provide
    Arbitrary<String> rooms() {
        return Arbitraries.strings().withChars("ab:").ofMinLength(1).ofMaxLength(10);
    }
}
