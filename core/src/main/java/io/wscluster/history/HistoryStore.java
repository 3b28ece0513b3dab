package io.wscluster.history;

import io.wscluster.protocol.StreamPosition;
import java.util.concurrent.CompletionStage;

/**
 * Reads a room's stream position and stored history. Writes happen on the bus, which assigns offsets
 * and appends in one atomic step, so a reader never sees an offset without its message.
 *
 * <p>Threading: every method may be called from any thread and never blocks; results complete on an
 * unspecified thread. Failure: a backend that cannot answer completes exceptionally, and the caller
 * replies {@code unavailable}.
 */
public interface HistoryStore {

    /**
     * The room's current epoch and latest offset. A room nobody has published to yet still has an
     * epoch, stable until its history expires, with offset 0.
     */
    CompletionStage<StreamPosition> position(String room);

    /**
     * The messages after {@code since} (all that are stored when {@code since} is null), oldest
     * first; {@code limit} greater than 0 keeps only the newest that many. {@link HistoryRead#recovered()}
     * is true only when {@code since} was given, its epoch is current, and no message after it has
     * been evicted: the messages returned are then exactly those after {@code since}.
     */
    CompletionStage<HistoryRead> read(String room, StreamPosition since, int limit);
}
