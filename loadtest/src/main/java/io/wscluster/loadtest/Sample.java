package io.wscluster.loadtest;

/**
 * One second of a run: open connections, rates, and the message latency of that second.
 * {@code second} counts from the start of the measured phase (negative while connecting).
 */
public record Sample(long second, long connections, double sentPerSec, double deliveredPerSec,
                     double p50Ms, double p99Ms, double maxMs) {
}
