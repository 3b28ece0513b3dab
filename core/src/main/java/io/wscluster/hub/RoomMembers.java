package io.wscluster.hub;

import java.util.Arrays;

/**
 * The subscriptions of one room on one shard: a dense array for fast fan-out, with O(1) removal by
 * moving the last element into the hole (each subscription knows its index).
 */
final class RoomMembers {
    private Subscription[] subs = new Subscription[4];
    private int size;

    void add(Subscription s) {
        if (size == subs.length) {
            subs = Arrays.copyOf(subs, size * 2);
        }
        s.index = size;
        subs[size++] = s;
    }

    void remove(Subscription s) {
        int i = s.index;
        if (i < 0 || i >= size || subs[i] != s) {
            return;
        }
        Subscription last = subs[--size];
        subs[i] = last;
        last.index = i;
        subs[size] = null;
        s.index = -1;
        if (subs.length > 16 && size < subs.length / 4) {
            subs = Arrays.copyOf(subs, subs.length / 2);
        }
    }

    int size() {
        return size;
    }

    Subscription get(int i) {
        return subs[i];
    }
}
