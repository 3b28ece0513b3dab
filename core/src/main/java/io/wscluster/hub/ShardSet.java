package io.wscluster.hub;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The shards on which a room or user has local holders: what a bus message for it is handed to.
 * A shard is in the set from its first holder to its last; the holders themselves are counted
 * only by the shard ({@link RoomMembers}, its user lists). Read from any thread without a lock;
 * changed under the lock of its owner ({@link BusBridge}).
 */
final class ShardSet {
    private final AtomicIntegerArray present;
    private int size;

    ShardSet(int shards) {
        present = new AtomicIntegerArray(Math.max(shards, 1));
    }

    /** Adds {@code shard}; returns true when the set was empty before. */
    boolean add(HubShard shard) {
        present.set(shard.index(), 1);
        return size++ == 0;
    }

    /** Removes {@code shard}; returns true when the set is empty now. */
    boolean remove(HubShard shard) {
        present.set(shard.index(), 0);
        return --size == 0;
    }

    boolean contains(HubShard shard) {
        return shard.index() < present.length() && present.get(shard.index()) != 0;
    }
}
