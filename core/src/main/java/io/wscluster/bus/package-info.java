/**
 * Cross-node delivery behind one interface, {@link io.wscluster.bus.Bus}: {@link
 * io.wscluster.bus.LocalBus} in process (the embedded default); Redis and NATS implementations live
 * in their own modules.
 */
package io.wscluster.bus;
