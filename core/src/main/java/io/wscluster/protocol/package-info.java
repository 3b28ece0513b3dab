/**
 * The frames of the wire contract ({@code shared/protocol.md}): parsing and validating what clients
 * send, encoding what the server sends, in JSON or MessagePack. Knows nothing of sockets: the
 * transport hands it bytes and takes bytes back.
 */
package io.wscluster.protocol;
