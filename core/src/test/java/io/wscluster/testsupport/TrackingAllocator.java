package io.wscluster.testsupport;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An unpooled allocator (the same buffers as {@code UnpooledByteBufAllocator}, which is final) that
 * remembers every buffer it hands out, so a test can assert that all of them were released
 * (reference count 0) once the code under test is done with them. Buffers still pass through the
 * leak detector, so {@code ResourceLeakDetector} levels apply as usual.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
    private final Queue<ByteBuf> allocated = new ConcurrentLinkedQueue<>();

    public TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    private ByteBuf track(ByteBuf buf) {
        allocated.add(buf);
        return buf;
    }

    /** Every buffer allocated so far. */
    public List<ByteBuf> allocated() {
        return List.copyOf(allocated);
    }

    /** The buffers allocated so far that are still referenced. */
    public List<ByteBuf> unreleased() {
        return allocated.stream().filter(b -> b.refCnt() > 0).toList();
    }
}
