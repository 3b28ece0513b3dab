package io.wscluster.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoomPolicyTest {
    private static final Principal ANONYMOUS = Principal.ANONYMOUS;
    private static final Principal ALICE = new Principal("alice", 0);
    private static final Principal GRANTED = new Principal("bob", 0, RoomPatterns.of(List.of("chat:team-*", "news")),
            RoomPatterns.of(List.of("chat:team-blue")));

    private final Namespace defaults = new Namespace("", RoomAccess.ANYONE, RoomAccess.GRANTED, RoomAccess.ANYONE,
            RoomAccess.AUTHENTICATED, true);
    private final RoomPolicy policy = new RoomPolicy(defaults, Map.of(
            "chat", new Namespace("chat", RoomAccess.AUTHENTICATED, RoomAccess.GRANTED, RoomAccess.GRANTED, RoomAccess.OFF, false),
            "ops", new NamespaceSpec("ops", RoomAccess.OFF, null, null, null, null).resolve(defaults)));

    @Test
    void aRoomBelongsToTheNamespaceItsPrefixNamesElseToTheDefault() {
        assertThat(policy.namespaceOf("chat:general").name()).isEqualTo("chat");
        assertThat(policy.namespaceOf("general").name()).isEmpty();
        assertThat(policy.namespaceOf("chatter:x").name()).isEmpty();
        assertThat(policy.namespaceOf("chat").name()).as("the prefix alone is not in it").isEmpty();
        assertThat(policy.namespaceOf("unknown:x").name()).isEmpty();
        assertThat(policy.namespaceOf("ops:a:b").name()).isEqualTo("ops");
    }

    @Test
    void eachLevelAdmitsWhomItSays() {
        assertThat(policy.refusal(RoomAction.SUBSCRIBE, ANONYMOUS, "general", false)).isNull();
        assertThat(policy.refusal(RoomAction.SUBSCRIBE, ANONYMOUS, "chat:general", false))
                .isEqualTo("no subscribe permission on room 'chat:general': namespace 'chat' allows authenticated users");
        assertThat(policy.refusal(RoomAction.SUBSCRIBE, ALICE, "chat:general", false)).isNull();
        assertThat(policy.refusal(RoomAction.PRESENCE, ALICE, "chat:general", false)).endsWith("allows nobody");
        assertThat(policy.refusal(RoomAction.PUBLISH, ALICE, "general", false))
                .isEqualTo("no publish permission on room 'general': the default namespace allows only users whose token grants the room");
        assertThat(policy.refusal(RoomAction.PRESENCE, ANONYMOUS, "general", false)).isNotNull();
        assertThat(policy.refusal(RoomAction.PRESENCE, ALICE, "general", false)).isNull();
    }

    @Test
    void tokenGrantsMatchByPatternAndByRight() {
        assertThat(policy.refusal(RoomAction.HISTORY, GRANTED, "chat:team-red", false)).isNull();
        assertThat(policy.refusal(RoomAction.HISTORY, GRANTED, "chat:general", false)).isNotNull();
        assertThat(policy.refusal(RoomAction.PUBLISH, GRANTED, "chat:team-blue", false)).isNull();
        assertThat(policy.refusal(RoomAction.PUBLISH, GRANTED, "chat:team-red", false)).as("read grant only").isNotNull();
        assertThat(policy.refusal(RoomAction.PUBLISH, GRANTED, "news", false)).as("read grant only").isNotNull();
    }

    @Test
    void aSubscriptionTokenGrantsReadingButNotPublishingNorWhatIsOff() {
        assertThat(policy.refusal(RoomAction.HISTORY, ALICE, "chat:secret", true)).isNull();
        assertThat(policy.refusal(RoomAction.PUBLISH, ALICE, "chat:secret", true)).isNotNull();
        assertThat(policy.refusal(RoomAction.PRESENCE, ALICE, "chat:secret", true)).as("off is off").isNotNull();
        assertThat(policy.refusal(RoomAction.SUBSCRIBE, ANONYMOUS, "ops:x", true)).isNotNull();
    }

    @Test
    void aNamespaceTakesTheDefaultsForWhatItLeavesOut() {
        Namespace ops = policy.namespaceOf("ops:x");
        assertThat(ops.subscribe()).isEqualTo(RoomAccess.OFF);
        assertThat(ops.history()).as("history follows the namespace's subscribe").isEqualTo(RoomAccess.OFF);
        assertThat(ops.publish()).isEqualTo(RoomAccess.GRANTED);
        assertThat(ops.presence()).isEqualTo(RoomAccess.AUTHENTICATED);
        assertThat(ops.trackPresence()).isTrue();
    }

    @Test
    void patternsMatchWildcardsAnywhereAndNothingElse() {
        RoomPatterns p = RoomPatterns.of(List.of("user:42:*", "a*b", "exact.name"));
        assertThat(p.matches("user:42:inbox")).isTrue();
        assertThat(p.matches("user:42:")).isTrue();
        assertThat(p.matches("user:420:inbox")).isFalse();
        assertThat(p.matches("aXYZb")).isTrue();
        assertThat(p.matches("ab")).isTrue();
        assertThat(p.matches("exact.name")).isTrue();
        assertThat(p.matches("exactXname")).as("a dot is a dot, not a regex").isFalse();
        assertThatThrownBy(() -> RoomPatterns.of(List.of(""))).hasMessageContaining("1 to 400");
        assertThatThrownBy(() -> RoomPatterns.of(java.util.Collections.nCopies(257, "x"))).hasMessageContaining("256");
    }

    @Test
    void namespaceNamesAreRoomNamesWithoutAColon() {
        assertThatThrownBy(() -> new NamespaceSpec("a:b", null, null, null, null, null)).hasMessageContaining("without ':'");
        assertThatThrownBy(() -> new NamespaceSpec("", null, null, null, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NamespaceSpec("sp ace", null, null, null, null, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theNodesOwnRoomsAreReadOnlyWithAGrantAndNeverPublishedToByClientsWhateverTheNamespacesSay() {
        RoomPolicy open = RoomPolicy.OPEN;
        Principal operator = new Principal("ops", 0, RoomPatterns.of(List.of("wsc:*")), RoomPatterns.of(List.of("wsc:*")));
        assertThat(open.refusal(RoomAction.SUBSCRIBE, ANONYMOUS, "wsc:alerts", false)).contains("the nodes' own");
        assertThat(open.refusal(RoomAction.HISTORY, ALICE, "wsc:metrics", false)).isNotNull();
        assertThat(open.refusal(RoomAction.SUBSCRIBE, operator, "wsc:alerts", false)).isNull();
        assertThat(open.refusal(RoomAction.SUBSCRIBE, ALICE, "wsc:alerts", true)).as("a subscription token").isNull();
        assertThat(open.refusal(RoomAction.PUBLISH, operator, "wsc:alerts", false)).as("even with publish_rooms").isNotNull();
        assertThat(open.refusal(RoomAction.SUBSCRIBE, ANONYMOUS, "wscore", false)).isNull();
    }
}
