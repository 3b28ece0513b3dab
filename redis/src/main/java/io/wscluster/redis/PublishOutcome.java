package io.wscluster.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.ProtocolException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * What a failed publish tells its client, saying only what is known: {@code unavailable} when
 * Redis certainly did not store the message (it refused the command with an error, or the node was
 * not connected, so the command never left), {@code outcome_unknown} otherwise (the command left
 * and no answer came: a timeout, a connection lost on the way; Redis may have run it). A client
 * that retries an unknown outcome with the same idempotency key gets the first placement back if
 * there was one, and stores the message if there was not.
 */
final class PublishOutcome {
    /** The message Lettuce fails a command with when it rejects it while disconnected (DisconnectedBehavior.REJECT_COMMANDS). */
    private static final String NOT_CONNECTED = "Currently not connected";

    private PublishOutcome() {
    }

    /** {@code publish}, with a failure turned into the error the client is told. */
    static <T> CompletionStage<T> of(CompletionStage<T> publish) {
        return publish.handle((value, error) -> {
            if (error != null) {
                throw new CompletionException(classify(error));
            }
            return value;
        });
    }

    static ProtocolException classify(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof ProtocolException pe) {
            return pe; // refused before it left (a low-priority message while the bus is saturated)
        }
        if (e instanceof RedisCommandExecutionException) {
            return new ProtocolException(ErrorCode.UNAVAILABLE, "Redis refused the message (" + firstLine(e.getMessage())
                    + "); nothing was stored");
        }
        if (e instanceof RedisException && e.getMessage() != null && e.getMessage().startsWith(NOT_CONNECTED)) {
            return new ProtocolException(ErrorCode.UNAVAILABLE, "the node is not connected to Redis; nothing was stored");
        }
        return new ProtocolException(ErrorCode.OUTCOME_UNKNOWN, "Redis did not answer in time: the message may or may not be"
                + " stored; publish it again with the same idempotency_key to find out without storing it twice");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
