package io.wscluster.bus;

import io.wscluster.codec.Message;

/**
 * Receives what the bus delivers to this node. Calls for one room arrive in offset order and never
 * concurrently for the same room; implementations must return quickly and never block (they run on
 * the bus's thread).
 */
public interface BusListener {
    /** A room message (with epoch and offset) for a room this node subscribed to. */
    void onRoomMessage(Message message);

    /** A message for a user this node subscribed to. */
    void onUserMessage(Message message);

    /** A message for every connection of the cluster. */
    void onBroadcast(Message message);

    /**
     * Delivery to this node was interrupted (the bus lost its connection to the backend): messages
     * may have been missed, so nothing derived from what was delivered before is complete any more.
     */
    default void onDeliveryInterrupted() {
    }

    /**
     * The bus receives {@code room} again after an interruption: what was published to it
     * meanwhile never arrives, and the listener reads it from history. Called for each room once
     * the backend confirmed the room's subscription anew, before the room's next message.
     */
    default void onRoomResubscribed(String room) {
    }

    /**
     * The bus receives messages sent to {@code user} again, or broadcasts when {@code user} is null,
     * after an interruption that began at {@code interruptedAtMillis}: what was sent meanwhile never
     * arrives, and has no history to read it from. Called once the backend confirmed the channel
     * anew, before its next message.
     */
    default void onDirectResubscribed(String user, long interruptedAtMillis) {
    }
}
