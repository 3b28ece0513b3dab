/**
 * The node's HTTP endpoints of the wire contract: health, readiness, metrics, the publish API, the
 * cluster view and the demo page.
 */
package io.wscluster.api;
