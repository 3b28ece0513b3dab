-- Places a room message in its stream and publishes it, atomically, so offsets are totally
-- ordered per room whichever node publishes.
-- KEYS[1] meta hash (e = epoch, o = last offset; b and bo while a byte cap applies, see below),
-- KEYS[2] history stream, KEYS[3] room channel
-- ARGV[1] message JSON, ARGV[2] history size (0 keeps none), ARGV[3] TTL in seconds,
-- ARGV[4] epoch to start when the room has none, ARGV[5] PUBLISH or SPUBLISH,
-- ARGV[6] history byte cap (0: none), ARGV[8] '1' when the keys' TTLs are to be set to ARGV[3] now
-- (the node does it once per quarter of the TTL per room, see TtlRefreshes; a new epoch always does)
-- Optional: KEYS[4] the publish's idempotency key, ARGV[7] how long it is kept (seconds): a key
-- already there answers the placement it recorded, {epoch, offset, 1}, and nothing is stored.
if KEYS[4] then
  local prior = redis.call('GET', KEYS[4])
  if prior then
    local bar = string.find(prior, '|', 1, true)
    return {string.sub(prior, 1, bar - 1), tonumber(string.sub(prior, bar + 1)), 1}
  end
end
local refresh = ARGV[8] == '1'
local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then
  -- No meta means the room's history is gone: a new epoch, and no stale stream behind it.
  epoch = ARGV[4]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'e', epoch)
  refresh = true
end
local offset = redis.call('HINCRBY', KEYS[1], 'o', 1)
local size = tonumber(ARGV[2])
local maxBytes = tonumber(ARGV[6])
if size > 0 and maxBytes > 0 then
  redis.call('XADD', KEYS[2], offset .. '-0', 'm', ARGV[1])
  -- b: bytes of the stream's messages as of offset bo. Publishes without a cap in between (the
  -- setting changed) leave it stale, and then the stream is counted again, once.
  local counted = redis.call('HMGET', KEYS[1], 'b', 'bo')
  local bytes = 0
  if counted[2] and tonumber(counted[2]) == offset - 1 then
    bytes = tonumber(counted[1]) + #ARGV[1]
  else
    for _, entry in ipairs(redis.call('XRANGE', KEYS[2], '-', '+')) do
      bytes = bytes + #entry[2][2]
    end
  end
  -- The oldest go first, down to the size and the byte cap; the newest message always stays.
  local len = redis.call('XLEN', KEYS[2])
  while len > 1 and (len > size or bytes > maxBytes) do
    local oldest = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)[1]
    redis.call('XDEL', KEYS[2], oldest[1])
    bytes = bytes - #oldest[2][2]
    len = len - 1
  end
  redis.call('HSET', KEYS[1], 'b', bytes, 'bo', offset)
  if refresh then
    redis.call('EXPIRE', KEYS[2], ARGV[3])
  end
elseif size > 0 then
  redis.call('XADD', KEYS[2], 'MAXLEN', size, offset .. '-0', 'm', ARGV[1])
  if refresh then
    redis.call('EXPIRE', KEYS[2], ARGV[3])
  end
end
if refresh then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
redis.call(ARGV[5], KEYS[3], epoch .. '|' .. offset .. '|' .. ARGV[1])
if KEYS[4] then
  redis.call('SET', KEYS[4], epoch .. '|' .. offset, 'EX', ARGV[7])
end
return {epoch, offset}
