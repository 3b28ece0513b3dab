/**
 * Test helpers shared by every module's tests: a real WebSocket client ({@link
 * io.wscluster.testkit.TestClient}) built on Netty, tokens, and free ports. Nothing here fakes a
 * part of wscluster.
 */
package io.wscluster.testkit;
