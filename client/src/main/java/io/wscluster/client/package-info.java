/**
 * The Java client SDK. {@link io.wscluster.client.WscClient} is the door: connect to a node, the
 * gateway, or several URLs; subscribe with handlers; publish with acks as futures; and let it keep
 * the connection: it reconnects with backoff and jitter, follows {@code reconnect} frames, resumes
 * its session (or resubscribes with {@code since}) and drops duplicates by offset, so a handler sees
 * each room message once, in order, across node failures and deploys.
 */
package io.wscluster.client;
