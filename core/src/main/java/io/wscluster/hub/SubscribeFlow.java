package io.wscluster.hub;

import io.wscluster.codec.ClientFrame;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.codec.Message;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.codec.ServerFrames;
import io.wscluster.protocol.StreamPosition;
import io.wscluster.security.SubscriptionGrant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One {@code subscribe} request, from the request to the live stream, with no gap and no duplicate.
 *
 * <p>Order of steps, and why: (1) the subscription joins the room as pending, so live messages
 * start to buffer; (2) once the bus delivers the room here, (3) the history is read: every message
 * accepted before the read is in it, every one after reaches the buffer. (4) On the session's loop
 * the reply and the recovered messages are sent, then the buffer minus what was already sent, and
 * the subscription turns live. Offsets decide what is a duplicate. Step (3) is answered from the
 * node's recent frames ({@link RecentFrames}) when they reach back far enough.
 */
final class SubscribeFlow {
    private final ClientRequests requests;
    private final Session session;
    private final ClientFrame.Subscribe request;
    private final boolean resume;
    private Subscription sub;

    /** @param resume made by a session resume: a later subscribe of the client replaces it */
    SubscribeFlow(ClientRequests requests, Session session, ClientFrame.Subscribe request, boolean resume) {
        this.requests = requests;
        this.session = session;
        this.request = request;
        this.resume = resume;
    }

    void start() {
        String room = request.room();
        takeOverExisting(room);
        requests.budgets.requireRoomForSubscription(session);
        SubscriptionGrant grant = requests.permissions.subscribe(session, room, request.token());
        requests.budgets.requireRoomBudget(session, room);
        if (!requests.proxy.asksOnSubscribe()) {
            join(room, grant);
            return;
        }
        Replies.onLoop(session, requests.proxy.subscribe(session.principal(), session.id(), room), (allowed, error) -> {
            if (session.closed) {
                return;
            }
            try {
                if (error != null) {
                    throw requests.replies.asProtocolError(error, request.id());
                }
                takeOverExisting(room); // another subscribe of the room may have gone ahead meanwhile
                join(room, grant);
            } catch (ProtocolException e) {
                requests.replies.fail(session, e.withRequestId(request.id()));
            }
        });
    }

    /** Refuses a second subscribe of a room, but for one a resume made, which this request replaces. */
    private void takeOverExisting(String room) {
        Subscription existing = session.subscriptions == null ? null : session.subscriptions.get(room);
        if (existing != null) {
            if (!existing.fromResume || resume) {
                throw ProtocolException.badRequest("already subscribed to room '" + room + "'");
            }
            // The client resubscribes on its own (with its since) a room the resume already
            // subscribed: its request wins; what was already sent again, it drops by offset.
            session.subscriptions.remove(room);
            requests.leaveRoom(existing);
        }
    }

    private void join(String room, SubscriptionGrant grant) {
        sub = new Subscription(session, room);
        requests.grants.held(sub, grant);
        sub.overflow = requests.permissions.overflow(room);
        sub.fromResume = resume;
        var read = requests.joinRoom(sub).thenCompose(ready -> replay(room, request.since()));
        Replies.onLoop(session, read, this::complete);
    }

    /**
     * What to send: from the node's recent frames when they reach back to {@code since} (no history
     * read, no encoding per subscriber), else from the history store.
     */
    private CompletionStage<Replay> replay(String room, StreamPosition since) {
        RecentFrames.Hit hit = requests.bridge.recent(room, since);
        if (hit != null) {
            return CompletableFuture.completedFuture(new Replay(hit.latest(), since != null, List.of(), hit.frames()));
        }
        var history = requests.bridge.history();
        CompletionStage<Replay> read = since != null
                ? history.read(room, since, 0).thenApply(r -> new Replay(r.latest(), r.recovered(), r.messages(), List.of()))
                : history.position(room).thenApply(p -> new Replay(p, false, List.of(), List.of()));
        return read.thenApply(r -> {
            requests.bridge.seen(room, r.latest()); // where the node's stream of the room starts, if no message came yet
            return r;
        });
    }

    /** The room's position and what follows {@code since}: messages read from history, or retained shared frames. */
    private record Replay(StreamPosition latest, boolean recovered, List<Message> messages, List<SharedFrame> frames) {
        void release() {
            frames.forEach(SharedFrame::release);
        }
    }

    private void complete(Replay read, Throwable error) {
        try {
            send(read, error);
        } finally {
            if (read != null) {
                read.release();
            }
        }
    }

    private void send(Replay read, Throwable error) {
        if (session.closed || session.subscriptions == null || session.subscriptions.get(request.room()) != sub) {
            return; // unsubscribed or disconnected meanwhile
        }
        if (error == null && !requests.permissions.keeps(session, sub, System.currentTimeMillis())) {
            // Its subscription token expired, or a refreshed connection token withdrew the room, meanwhile.
            error = new ProtocolException(ErrorCode.FORBIDDEN, "no longer allowed to subscribe to room '" + request.room()
                    + "': its token expired or was replaced while subscribing");
        }
        if (error != null) {
            session.subscriptions.remove(request.room());
            requests.leaveRoom(sub);
            requests.replies.fail(session, requests.replies.asProtocolError(error, request.id()));
            return;
        }
        boolean recovered = request.since() != null && read.recovered();
        StreamPosition latest = read.latest();
        session.send(ServerFrames.subscribed(request.id(), request.room(), latest, recovered));
        sub.epoch = latest.epoch();
        sub.lastOffset = latest.offset();
        if (recovered) {
            sub.lastOffset = request.since().offset();
        }
        sub.startAt(sub.epoch, sub.lastOffset); // nothing sent yet: a resume would start here
        if (recovered) {
            for (Message m : read.messages()) {
                if (sub.accepts(m)) {
                    session.send(m);
                    requests.hub.metrics().messagesOut(m, 1);
                }
            }
            for (SharedFrame f : read.frames()) {
                if (sub.accepts(f.message())) {
                    session.deliver(f);
                    requests.hub.metrics().messagesOut(f.message(), 1);
                }
            }
        }
        for (Object o : sub.takeBuffered()) {
            if (o instanceof Message m && sub.accepts(m)) {
                session.send(m);
                requests.hub.metrics().messagesOut(m, 1);
            } else if (o instanceof StreamRestart r && sub.tell(r)) {
                session.send(r.frame());
            }
        }
        sub.live = true;
        requests.records.subscribed(session, request.room(), recovered ? request.since() : latest);
        if (requests.permissions.tracksPresence(request.room())) {
            requests.presence.join(request.room(), requests.hub.presenceKey(session), session.userId());
        }
    }
}
