/**
 * Who is in a room, cluster-wide: {@link io.wscluster.presence.PresenceStore} is the door,
 * {@link io.wscluster.presence.LocalPresenceStore} the in-process implementation.
 */
package io.wscluster.presence;
