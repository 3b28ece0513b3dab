/**
 * The frames of the wire contract ({@code docs/protocol.md}) as the node reads and writes them:
 * parsing and validating what clients send, encoding what the server sends, in JSON or MessagePack.
 * Knows nothing of sockets: the transport hands it bytes and takes bytes back.
 *
 * <p>Its vocabulary (error and close codes, names, priorities, stream positions) lives in {@link
 * io.wscluster.protocol}, in the {@code wscluster-protocol} jar that the Java SDK shares; this
 * package holds what needs Jackson's generators, MessagePack and Netty buffers, which the SDK must
 * not pull in. Two packages, one per jar: a package split over two jars is refused on the module
 * path and lets either jar shadow the other's classes on the class path.
 */
package io.wscluster.codec;
