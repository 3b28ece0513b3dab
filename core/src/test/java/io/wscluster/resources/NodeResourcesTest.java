package io.wscluster.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeResourcesTest {
    private final NodeResources sut = NodeResources.create("node-1");

    @AfterEach
    void close() {
        sut.close();
    }

    @Test
    void aPeriodicTaskThatThrowsRunsAgainAndTheOthersGoOn() {
        AtomicInteger failing = new AtomicInteger();
        AtomicInteger healthy = new AtomicInteger();
        sut.scheduler().scheduleAtFixedRate(() -> {
            failing.incrementAndGet();
            throw new IllegalStateException("a task that fails every time");
        }, 0, 10, TimeUnit.MILLISECONDS);
        sut.scheduler().scheduleWithFixedDelay(healthy::incrementAndGet, 0, 10, TimeUnit.MILLISECONDS);

        await().untilAsserted(() -> {
            assertThat(failing.get()).isGreaterThan(3);
            assertThat(healthy.get()).isGreaterThan(3);
        });
    }

    @Test
    void runsEverythingOnOneDaemonThreadNamedAfterTheNode() throws Exception {
        AtomicReference<Thread> first = new AtomicReference<>();
        AtomicReference<Thread> second = new AtomicReference<>();
        sut.scheduler().submit(() -> first.set(Thread.currentThread())).get(5, TimeUnit.SECONDS);
        sut.scheduler().schedule(() -> second.set(Thread.currentThread()), 1, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);

        assertThat(second.get()).isSameAs(first.get());
        assertThat(first.get().getName()).isEqualTo("wsc-scheduler-node-1");
        assertThat(first.get().isDaemon()).isTrue();
    }

    @Test
    void refusesWorkOnceClosed() {
        sut.close();
        assertThatThrownBy(() -> sut.scheduler().execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> NodeResources.create(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
