package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MembershipEventTest {
    @Test
    void eventsRoundTrip() {
        MembershipEvent e = new MembershipEvent(MembershipEvent.Type.LEAVE, "n1");
        assertThat(e.toJson()).isEqualTo("{\"type\":\"leave\",\"node\":\"n1\"}");
        assertThat(MembershipEvent.fromJson(e.toJson())).isEqualTo(e);
    }
}
