-- Replaces this node's presence entries in a room with the given ones, atomically: what the node
-- holds in memory becomes what Redis holds, so an entry whose removal was lost goes. With no
-- entries, the room's keys lose this node. Every key written gets its TTL in the same step.
-- KEYS[1] this node's hash of entries in the room, KEYS[2] the room's set of nodes with entries
-- ARGV[1] node id, ARGV[2] TTL in ms, ARGV[3..] connection key, user id, connection key, ...
redis.call('DEL', KEYS[1])
if #ARGV < 3 then
  redis.call('SREM', KEYS[2], ARGV[1])
  return {}
end
-- In slices: Lua unpacks at most a few thousand values at once.
for i = 3, #ARGV, 2000 do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 1999, #ARGV)))
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {}
