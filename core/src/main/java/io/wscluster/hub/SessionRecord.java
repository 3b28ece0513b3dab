package io.wscluster.hub;

/** What a new connection asked of its session's record (see {@link io.wscluster.failover.SessionStore}). */
public enum SessionRecord {
    /** A new session: recorded as it subscribes, so that it can be resumed later. */
    NEW,
    /** The client asked for an earlier session id ({@code ?session=}): resumes its record, then keeps it. */
    RESUME,
    /**
     * The client keeps an earlier id for sticky routing but tracks its own positions and
     * resubscribes with {@code since} ({@code ?session=<id>&resume=false}, as the SDK does): no
     * record is read or written for it.
     */
    OWN_POSITIONS,
    /**
     * The client asked for a session id this cluster did not issue to it (made up, another user's,
     * or signed under a key since lost): a new session under a new id, recorded as {@link #NEW},
     * whose welcome says why ({@code session_refused}).
     */
    REISSUED;

    /** What the welcome of a {@link #REISSUED} session says. */
    static final String REISSUED_WHY = "that session id was not issued to you by this cluster (or has been forgotten):"
            + " this is a new session; reconnect with the id of this welcome";
}
