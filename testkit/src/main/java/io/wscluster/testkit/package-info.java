/**
 * Test helpers shared by every module's tests: a real WebSocket client ({@link
 * io.wscluster.testkit.TestClient}) built on Netty, tokens, free ports, and real redis-servers
 * ({@link io.wscluster.testkit.SharedRedis} for the tests of a class). Nothing here fakes a part
 * of wscluster.
 */
package io.wscluster.testkit;
