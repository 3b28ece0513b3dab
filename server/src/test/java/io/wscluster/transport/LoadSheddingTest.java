package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoadSheddingTest {
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger heap = new AtomicInteger();

    @Test
    void refusesAtMaxConnectionsAndAcceptsBelow() {
        LoadShedding sut = new LoadShedding(10, 0, connections::get, heap::get);
        connections.set(9);
        assertThat(sut.refusal()).isNull();
        connections.set(10);
        assertThat(sut.refusal()).isEqualTo("connections");
        connections.set(9);
        assertThat(sut.refusal()).isNull();
    }

    @Test
    void refusesOverTheHeapLimitUntilItIsTenPointsLower() throws Exception {
        LoadShedding sut = new LoadShedding(1000, 90, connections::get, heap::get);
        heap.set(89);
        assertThat(sut.refusal()).isNull();
        heap.set(92);
        assertThat(afterARead(sut)).isEqualTo("memory");
        heap.set(85);
        assertThat(afterARead(sut)).as("not yet ten points lower").isEqualTo("memory");
        heap.set(79);
        assertThat(afterARead(sut)).isNull();
    }

    @Test
    void zeroNeverRefusesForMemory() {
        heap.set(100);
        assertThat(new LoadShedding(1000, 0, connections::get, heap::get).refusal()).isNull();
    }

    @Test
    void readsTheHeapThatTheLastCollectionLeft() {
        assertThat(LoadShedding.heapAfterLastCollectionPercent()).isBetween(0, 100);
    }

    /** The heap is read at most every {@link LoadShedding#HEAP_READ_MILLIS}: wait for the next read. */
    private static String afterARead(LoadShedding sut) throws InterruptedException {
        Thread.sleep(LoadShedding.HEAP_READ_MILLIS + 20);
        return sut.refusal();
    }
}
