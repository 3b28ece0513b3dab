package io.wscluster.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashRingTest {
    private static final int KEYS = 100_000;

    @Test
    void addingOrRemovingOneOfNNodesMovesAboutOneNth() {
        for (int n = 2; n <= 12; n++) {
            List<String> nodes = ids(n);
            HashRing ring = new HashRing(nodes);
            List<String> more = new ArrayList<>(nodes);
            more.add("node-new");
            // Adding one to n: the new node's share moves, about 1/(n+1), never more than 1.2/(n+1).
            double moved = moved(ring, new HashRing(more));
            assertThat(moved).as("adding one to %d", n).isBetween(0.8 / (n + 1), 1.2 / (n + 1));
            // Removing one of n: only its keys move, about 1/n.
            List<String> fewer = new ArrayList<>(nodes);
            fewer.remove(n / 2);
            double removed = moved(ring, new HashRing(fewer));
            assertThat(removed).as("removing one of %d", n).isBetween(0.8 / n, 1.2 / n);
        }
    }

    @Test
    void keysMoveOnlyToTheNewNodeOrFromTheRemovedOne() {
        List<String> nodes = ids(5);
        HashRing before = new HashRing(nodes);
        List<String> more = new ArrayList<>(nodes);
        more.add("node-new");
        HashRing after = new HashRing(more);
        for (int k = 0; k < 10_000; k++) {
            String key = "user-" + k;
            String b = before.nodeFor(key);
            String a = after.nodeFor(key);
            assertThat(a.equals(b) || a.equals("node-new")).as(key).isTrue();
        }
    }

    @Test
    void anEmptyRingOwnsNothingAndTheOrderOfNodesDoesNotMatter() {
        assertThat(new HashRing(List.of()).nodeFor("x")).isNull();
        HashRing one = new HashRing(List.of("a", "b", "c"));
        HashRing other = new HashRing(List.of("c", "a", "b"));
        for (int k = 0; k < 1000; k++) {
            assertThat(other.nodeFor("k" + k)).isEqualTo(one.nodeFor("k" + k));
        }
    }

    private static double moved(HashRing a, HashRing b) {
        int moved = 0;
        for (int k = 0; k < KEYS; k++) {
            String key = "user-" + k;
            if (!a.nodeFor(key).equals(b.nodeFor(key))) {
                moved++;
            }
        }
        return (double) moved / KEYS;
    }

    private static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add("node-" + i);
        }
        return ids;
    }
}
