/**
 * Per-room offsets, epochs and bounded history, and recovery for {@code subscribe} with
 * {@code since}. {@link io.wscluster.history.HistoryStore} is the door; {@link
 * io.wscluster.history.LocalHistory} keeps it in memory for the embedded bus.
 */
package io.wscluster.history;
