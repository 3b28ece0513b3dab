/**
 * The Netty server of a node: HTTP upgrade to WebSocket, frames, compression, pings, per-connection
 * write limits, and routing of plain HTTP requests to {@link io.wscluster.transport.HttpEndpoints}.
 * Uses the native epoll transport where the platform has it, NIO elsewhere.
 */
package io.wscluster.transport;
