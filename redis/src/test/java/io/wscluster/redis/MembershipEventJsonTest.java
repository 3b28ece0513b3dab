package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.cluster.MembershipEvent;
import org.junit.jupiter.api.Test;

class MembershipEventJsonTest {
    @Test
    void eventsRoundTrip() {
        MembershipEvent e = new MembershipEvent(MembershipEvent.Type.LEAVE, "n1");
        assertThat(MembershipEventJson.write(e)).isEqualTo("{\"type\":\"leave\",\"node\":\"n1\"}");
        assertThat(MembershipEventJson.read(MembershipEventJson.write(e))).isEqualTo(e);
    }
}
