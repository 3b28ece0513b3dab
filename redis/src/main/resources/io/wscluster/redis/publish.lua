-- Places a room message in its stream and publishes it, atomically, so offsets are totally
-- ordered per room whichever node publishes.
-- KEYS[1] meta hash (e = epoch, o = last offset), KEYS[2] history stream, KEYS[3] room channel
-- ARGV[1] message JSON, ARGV[2] history size (0 keeps none), ARGV[3] TTL in seconds,
-- ARGV[4] epoch to start when the room has none, ARGV[5] PUBLISH or SPUBLISH
local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then
  -- No meta means the room's history is gone: a new epoch, and no stale stream behind it.
  epoch = ARGV[4]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'e', epoch)
end
local offset = redis.call('HINCRBY', KEYS[1], 'o', 1)
local size = tonumber(ARGV[2])
if size > 0 then
  redis.call('XADD', KEYS[2], 'MAXLEN', size, offset .. '-0', 'm', ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call(ARGV[5], KEYS[3], epoch .. '|' .. offset .. '|' .. ARGV[1])
return {epoch, offset}
