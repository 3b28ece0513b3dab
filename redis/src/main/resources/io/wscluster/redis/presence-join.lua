-- One connection's presence entry in a room, written with the TTLs of the room's presence keys in
-- one atomic step: a key is never left without a TTL, whatever becomes of the call.
-- KEYS[1] this node's hash of entries in the room, KEYS[2] the room's set of nodes with entries
-- ARGV[1] connection key, ARGV[2] user id ("" when anonymous), ARGV[3] node id, ARGV[4] TTL in ms
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {}
