/**
 * The node's meters, registered with Micrometer under the {@code wsc_} prefix. Names are constants
 * here; no session or user id is ever a tag.
 */
package io.wscluster.metrics;
