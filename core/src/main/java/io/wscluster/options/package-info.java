/**
 * What the option groups share. The groups themselves live beside what they configure
 * ({@code transport.TransportOptions}, {@code security.SecurityOptions},
 * {@code history.HistoryOptions}, {@code redis.BusOptions}, {@code failover.DrainOptions},
 * {@code failover.FailoverOptions}, {@code routing.RoutingOptions}); the server's
 * {@code NodeOptions} nests them.
 */
package io.wscluster.options;
