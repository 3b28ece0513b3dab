/**
 * The one place that chooses the Netty transport: native epoll where the platform has it (fewer
 * copies and less memory per socket), NIO elsewhere. The node, the gateway, the load generator, the
 * test kit and the client SDK all take their event loops and channel classes from {@link
 * io.wscluster.eventloops.EventLoops}, so the choice and its thread naming are made once. A module of
 * its own because {@code core} holds no sockets.
 */
package io.wscluster.eventloops;
