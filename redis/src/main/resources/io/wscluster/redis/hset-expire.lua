-- Sets fields of a hash and its TTL in one atomic step, so the hash is never left without a TTL,
-- whatever becomes of the call.
-- KEYS[1] the hash; ARGV[1] TTL in ms, ARGV[2..] field, value, field, value, ...
-- In slices: Lua unpacks at most a few thousand values at once.
for i = 2, #ARGV, 2000 do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 1999, #ARGV)))
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return {}
