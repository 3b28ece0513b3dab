package io.wscluster.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.wscluster.codec.Encoding;
import io.wscluster.security.Principal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomMembersTest {
    private final RoomMembers sut = new RoomMembers();

    private static Subscription sub(int i) {
        return new Subscription(new RecordingSession("s" + i, Principal.ANONYMOUS, Encoding.JSON, UnpooledByteBufAllocator.DEFAULT, SessionRecord.NEW).session, "r");
    }

    private List<Subscription> members() {
        List<Subscription> all = new ArrayList<>();
        for (int i = 0; i < sut.size(); i++) {
            assertThat(sut.get(i).index).isEqualTo(i);
            all.add(sut.get(i));
        }
        return all;
    }

    @Test
    void addGrowsAndRemoveFillsTheHoleWithTheLast() {
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            subs.add(sub(i));
            sut.add(subs.get(i));
        }
        assertThat(members()).containsExactlyElementsOf(subs);

        sut.remove(subs.get(0));
        assertThat(subs.get(0).index).isEqualTo(-1);
        assertThat(sut.get(0)).isSameAs(subs.get(99));
        assertThat(members()).hasSize(99).doesNotContain(subs.get(0));

        for (int i = 1; i < 95; i++) {
            sut.remove(subs.get(i));
        }
        assertThat(members()).containsExactlyInAnyOrderElementsOf(subs.subList(95, 100));
    }

    @Test
    void removingAStrangerOrTwiceChangesNothing() {
        Subscription a = sub(1);
        Subscription b = sub(2);
        sut.add(a);
        sut.remove(b);
        assertThat(members()).containsExactly(a);
        sut.remove(a);
        sut.remove(a);
        assertThat(sut.size()).isZero();
    }
}
