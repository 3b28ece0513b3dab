/**
 * The Redis implementations of the cluster's interfaces, through Lettuce's asynchronous API only:
 * {@link io.wscluster.redis.RedisBus} (delivery with per-room offsets, one Lua call per publish),
 * {@link io.wscluster.redis.RedisHistoryStore} (streams), presence with per-node leases, and
 * membership with heartbeats. Every key starts with the cluster's namespace; every key of one room
 * carries the room in a hash tag, so a room lives in one Redis Cluster slot. Each part runs on a
 * standalone Redis or on a Redis Cluster (sharded pub/sub there); {@link io.wscluster.redis.RedisUrls}
 * tells them apart by the URL's scheme.
 */
package io.wscluster.redis;
