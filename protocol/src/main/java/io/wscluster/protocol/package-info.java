/**
 * What a wscluster node and its clients share, with no dependency at all: the wire contract's
 * error codes ({@link io.wscluster.protocol.ErrorCode}), close codes, reconnect reasons and
 * priorities; the rules of names ({@link io.wscluster.protocol.Names}); a place in a room's stream
 * ({@link io.wscluster.protocol.StreamPosition}); the one retry policy ({@link
 * io.wscluster.protocol.Backoff}); and {@link io.wscluster.protocol.Futures#cause}.
 *
 * <p>Why a jar of its own: the Java SDK needs these and nothing else of the node, and its users
 * should not get the node's metrics, JWT and MessagePack libraries with it. The node's codec (what
 * needs Jackson generators, MessagePack and Netty buffers) stays in core as {@code
 * io.wscluster.codec}: each package lives in exactly one jar, so neither can shadow the other's
 * classes and both load on the module path.
 */
package io.wscluster.protocol;
