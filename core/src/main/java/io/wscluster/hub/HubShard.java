package io.wscluster.hub;

import io.wscluster.metrics.NodeMetrics;
import io.wscluster.codec.Message;
import io.wscluster.codec.OutboundFrame;
import io.wscluster.protocol.StreamPosition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The sessions of one event loop and their rooms and users. All state is confined to {@link
 * #executor()}; other threads reach it only through {@link #enqueue}, which batches deliveries so a
 * burst of bus messages costs one task and one flush per touched session.
 */
public final class HubShard {
    private final int index;
    private final Executor executor;
    private final java.util.function.BooleanSupplier inExecutor;
    private final NodeMetrics metrics;
    /** When each message of the current drain arrived, for {@link NodeMetrics#delivered}; reused, on the loop. */
    private long[] arrivals = new long[64];
    private int arrivalCount;
    /** Deliveries of this drain by kind and priority ({@link NodeMetrics#outSlot}), added to the metrics once per drain. */
    private final int[] outCounts = new int[NodeMetrics.OUT_SLOTS];
    private final Map<String, RoomMembers> rooms = new HashMap<>();
    private final Map<String, List<Session>> users = new HashMap<>();
    private Session[] sessions = new Session[64];
    private int sessionCount;

    /** Shared frames, and the {@link ShardNotice}s that travel in line with them. */
    private final Queue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    private final List<Session> dirty = new ArrayList<>();
    private boolean flushScheduled;
    private final Runnable flushTask = this::flushDirty;

    HubShard(int index, Executor executor, java.util.function.BooleanSupplier inExecutor, NodeMetrics metrics) {
        this.index = index;
        this.executor = executor;
        this.inExecutor = inExecutor;
        this.metrics = metrics;
    }

    int index() {
        return index;
    }

    NodeMetrics metrics() {
        return metrics;
    }

    /** The executor (event loop) that owns this shard. */
    public Executor executor() {
        return executor;
    }

    /** Calls {@code action} for every session of this shard; only on the shard's executor. */
    public void forEachSession(Consumer<Session> action) {
        for (int i = sessionCount - 1; i >= 0; i--) {
            action.accept(sessions[i]);
        }
    }

    /** True when the calling thread is this shard's executor. */
    public boolean inExecutor() {
        return inExecutor.getAsBoolean();
    }

    public int sessionCount() {
        return sessionCount;
    }

    void add(Session s) {
        if (sessionCount == sessions.length) {
            sessions = Arrays.copyOf(sessions, sessionCount * 2);
        }
        s.shard = this;
        s.index = sessionCount;
        sessions[sessionCount++] = s;
    }

    void remove(Session s) {
        int i = s.index;
        if (i < 0 || i >= sessionCount || sessions[i] != s) {
            return;
        }
        Session last = sessions[--sessionCount];
        sessions[i] = last;
        last.index = i;
        sessions[sessionCount] = null;
        s.index = -1;
        dirty.remove(s);
    }

    /** Adds a subscription; returns true when it is the first of its room on this shard. */
    boolean addMember(Subscription sub) {
        RoomMembers members = rooms.get(sub.room);
        boolean first = members == null;
        if (first) {
            members = new RoomMembers();
            rooms.put(sub.room, members);
        }
        members.add(sub);
        return first;
    }

    /** Removes a subscription; returns true when it was the last of its room on this shard. */
    boolean removeMember(Subscription sub) {
        RoomMembers members = rooms.get(sub.room);
        if (members == null) {
            return false;
        }
        members.remove(sub);
        if (members.size() == 0) {
            rooms.remove(sub.room);
            return true;
        }
        return false;
    }

    /** Adds a session of a user; returns true when it is the user's first on this shard. */
    boolean addUserSession(Session s) {
        List<Session> list = users.computeIfAbsent(s.userId(), u -> new ArrayList<>(1));
        list.add(s);
        return list.size() == 1;
    }

    /** Removes a session of a user; returns true when it was the user's last on this shard. */
    boolean removeUserSession(Session s) {
        List<Session> list = users.get(s.userId());
        if (list == null || !list.remove(s)) {
            return false;
        }
        if (list.isEmpty()) {
            users.remove(s.userId());
            return true;
        }
        return false;
    }

    /**
     * Adds, per room of this shard, the earliest position its live subscribers are surely at (see
     * {@link Subscription#drained()}), after one look at each ({@link Subscription#look()}). A room
     * whose subscribers are on different epochs is left out. Only on the shard's executor; one
     * pass over the subscriptions.
     */
    void drainedPositions(Map<String, StreamPosition> into) {
        rooms.forEach((room, members) -> {
            StreamPosition earliest = null;
            boolean mixed = false;
            for (int i = 0; i < members.size(); i++) {
                Subscription sub = members.get(i);
                if (!sub.live || !sub.session.recorded()) {
                    continue; // not recorded: the client resubscribes with since, its own positions
                }
                sub.look();
                StreamPosition p = sub.drained();
                if (earliest == null) {
                    earliest = p;
                } else if (!mixed) {
                    StreamPosition e = StreamPosition.earlier(earliest, p);
                    mixed = e == null;
                    earliest = mixed ? earliest : e;
                }
            }
            if (earliest != null && !mixed) {
                into.merge(room, earliest, StreamPosition::earlier);
            }
        });
    }

    /** Queues a shared frame for delivery on this shard; callable from any thread. */
    void enqueue(SharedFrame frame) {
        inbox.add(frame);
        if (drainScheduled.compareAndSet(false, true)) {
            executor.execute(drain);
        }
    }

    /** Queues a room's restart, or a {@link DirectGap}, in line with the frames; callable from any thread. */
    void enqueue(ShardNotice notice) {
        inbox.add(notice);
        if (drainScheduled.compareAndSet(false, true)) {
            executor.execute(drain);
        }
    }

    private void drain() {
        arrivalCount = 0;
        Object next;
        while (true) {
            while ((next = inbox.poll()) != null) {
                if (next instanceof StreamRestart r) {
                    restart(r);
                    continue;
                }
                if (next instanceof DirectGap g) {
                    tell(g);
                    continue;
                }
                SharedFrame f = (SharedFrame) next;
                try {
                    int n = deliver(f);
                    if (n > 0) {
                        outCounts[NodeMetrics.outSlot(f.message())] += n;
                        if (arrivalCount == arrivals.length) {
                            arrivals = java.util.Arrays.copyOf(arrivals, 2 * arrivalCount);
                        }
                        arrivals[arrivalCount++] = f.arrivedNanos;
                    }
                } finally {
                    f.release();
                }
            }
            drainScheduled.set(false);
            // A producer may have added after our last poll but seen the flag still set.
            if (inbox.isEmpty() || !drainScheduled.compareAndSet(false, true)) {
                break;
            }
        }
        metrics.messagesOut(outCounts);
        flushDirty();
        // Once per message and loop, after its frames went to the sockets: a clock read per drain, a record per message.
        long now = System.nanoTime();
        for (int i = 0; i < arrivalCount; i++) {
            metrics.delivered(now - arrivals[i]);
        }
    }

    private void restart(StreamRestart r) {
        RoomMembers members = rooms.get(r.room());
        if (members != null) {
            for (int i = 0; i < members.size(); i++) {
                members.get(i).restart(r);
            }
        }
    }

    private void tell(DirectGap g) {
        OutboundFrame frame = g.frame();
        if (g.user() == null) {
            for (int i = 0; i < sessionCount; i++) {
                sessions[i].send(frame);
            }
        } else {
            List<Session> list = users.get(g.user());
            if (list != null) {
                list.forEach(s -> s.send(frame));
            }
        }
    }

    private int deliver(SharedFrame frame) {
        Message m = frame.message();
        int n = 0;
        switch (m.target()) {
            case ROOM: {
                RoomMembers members = rooms.get(m.room());
                if (members != null) {
                    for (int i = 0; i < members.size(); i++) {
                        if (members.get(i).offer(m, frame)) {
                            n++;
                        }
                    }
                }
                break;
            }
            case USER: {
                List<Session> list = users.get(m.user());
                if (list != null) {
                    for (Session s : list) {
                        s.deliver(frame);
                        n++;
                    }
                }
                break;
            }
            case BROADCAST:
                for (int i = 0; i < sessionCount; i++) {
                    sessions[i].deliver(frame);
                }
                n = sessionCount;
                break;
            default:
                throw new IllegalStateException("unknown target " + m.target());
        }
        return n;
    }

    void markDirty(Session s) {
        if (!s.dirty) {
            s.dirty = true;
            dirty.add(s);
            if (!flushScheduled) {
                flushScheduled = true;
                executor.execute(flushTask);
            }
        }
    }

    private void flushDirty() {
        flushScheduled = false;
        for (int i = 0; i < dirty.size(); i++) {
            Session s = dirty.get(i);
            s.dirty = false;
            s.flush();
        }
        dirty.clear();
    }
}
