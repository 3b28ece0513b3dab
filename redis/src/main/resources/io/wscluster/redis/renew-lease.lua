-- Extends a failover lease, only while it is still the caller's.
-- KEYS[1] lease key; ARGV[1] the value the caller set ("held:<owner>"), ARGV[2] TTL in milliseconds
-- Returns {1} when extended, {0} when the lease is gone or someone else's.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1}
end
return {0}
