package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionIdsTest {
    private final SessionIds ids = new SessionIds(SessionIds.newKey());

    @Test
    void anIdIsTheUsersItWasIssuedToAndNoOneElses() {
        String alices = ids.issue("alice");
        String anonymous = ids.issue(null);
        assertThat(alices).hasSize(32).matches("[A-Za-z0-9_-]+");
        assertThat(ids.issuedTo(alices, "alice")).isTrue();
        assertThat(ids.issuedTo(alices, "bob")).isFalse();
        assertThat(ids.issuedTo(alices, null)).isFalse();
        assertThat(ids.issuedTo(anonymous, null)).isTrue();
        assertThat(ids.issuedTo(anonymous, "")).as("an empty user id is not anonymous").isFalse();
        assertThat(ids.issuedTo(ids.issue(""), null)).isFalse();
    }

    @Test
    void idsOfAnotherKeyOrMadeUpOrMangledAreNotThisClusters() {
        String id = ids.issue("alice");
        assertThat(new SessionIds(SessionIds.newKey()).issuedTo(id, "alice")).isFalse();
        char flipped = id.charAt(30) == 'A' ? 'B' : 'A';
        assertThat(ids.issuedTo(id.substring(0, 30) + flipped + id.charAt(31), "alice")).isFalse();
        for (String made : new String[] {null, "", "support-chat-42", "A".repeat(32), id.substring(1), id + "A", "!".repeat(32)}) {
            assertThat(ids.issuedTo(made, "alice")).as(made).isFalse();
        }
    }

    @Test
    void idsAreUnlikeEachOther() {
        assertThat(ids.issue("alice")).isNotEqualTo(ids.issue("alice"));
    }
}
