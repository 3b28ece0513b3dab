package io.wscluster.testkit;

import java.io.IOException;

/**
 * Session ids for tests that must name a session before the connection that uses it (sticky
 * routing through a gateway, a resume planned ahead). Nodes take only ids their cluster issued to
 * the same user, so the id comes from a node's welcome, as a client's would.
 */
public final class SessionIdsForTests {
    private SessionIdsForTests() {
    }

    /** A session id for an anonymous client, issued by the node or gateway at {@code url} (a {@code ws://…/ws} address). */
    public static String issuedBy(String url) throws IOException {
        try (TestClient c = TestClient.connect(url)) {
            return c.next("welcome").path("session").asText();
        }
    }
}
