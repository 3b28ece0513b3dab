package io.wscluster.presence;

import java.util.concurrent.CompletionStage;

/**
 * Presence entries per room: one per subscribed connection, with its user id (null when anonymous).
 *
 * <p>Threading: callable from any thread, never blocks; results complete on an unspecified thread.
 * Failure: a store that cannot answer completes exceptionally. Entries of a node that dies vanish
 * without anyone removing them (a lease in distributed implementations).
 */
public interface PresenceStore {

    CompletionStage<Void> join(String room, String sessionId, String userId);

    CompletionStage<Void> leave(String room, String sessionId);

    /** The distinct user ids present (anonymous connections count but are not listed). */
    CompletionStage<PresenceInfo> get(String room);
}
