-- Places a batch of room messages, each in its room's stream, and publishes each, so offsets are
-- totally ordered per room whichever node publishes. One call places many messages because the
-- call itself is most of the cost of a small publish (see RoomPublishes); each message is placed
-- as if alone, and one that fails leaves the others placed.
-- ARGV[1] PUBLISH or SPUBLISH, ARGV[2] how long idempotency keys are kept (seconds), then for each
-- message seven values: message JSON, history size (0 keeps none), TTL in seconds, epoch to start
-- when the room has none, history byte cap (0: none), '1' when the keys' TTLs are to be set now
-- (the node does it once per quarter of the TTL per room, see TtlRefreshes; a new epoch always
-- does), '1' when the message has an idempotency key.
-- KEYS for each message: meta hash (e = epoch, o = last offset; b and bo while a byte cap applies,
-- see below), history stream, room channel, and its idempotency key when it has one: a key already
-- there answers the placement it recorded and nothing is stored.
-- Returns three values per message: epoch, offset, and 0 (placed now), 1 (placed before, under its
-- idempotency key) or the error that stopped it (a string).
local publishCommand = ARGV[1]
local keyTtl = ARGV[2]

local function place(k, a)
  local json = ARGV[a]
  local size = tonumber(ARGV[a + 1])
  local ttl = ARGV[a + 2]
  local maxBytes = tonumber(ARGV[a + 4])
  local refresh = ARGV[a + 5] == '1'
  local idempotencyKey = ARGV[a + 6] == '1' and KEYS[k + 3] or nil
  if idempotencyKey then
    local prior = redis.call('GET', idempotencyKey)
    if prior then
      local bar = string.find(prior, '|', 1, true)
      return string.sub(prior, 1, bar - 1), tonumber(string.sub(prior, bar + 1)), 1
    end
  end
  local meta, stream = KEYS[k], KEYS[k + 1]
  local epoch = redis.call('HGET', meta, 'e')
  if not epoch then
    -- No meta means the room's history is gone: a new epoch, and no stale stream behind it.
    epoch = ARGV[a + 3]
    redis.call('DEL', stream)
    redis.call('HSET', meta, 'e', epoch)
    refresh = true
  end
  local offset = redis.call('HINCRBY', meta, 'o', 1)
  if size > 0 and maxBytes > 0 then
    redis.call('XADD', stream, offset .. '-0', 'm', json)
    -- b: bytes of the stream's messages as of offset bo. Publishes without a cap in between (the
    -- setting changed) leave it stale, and then the stream is counted again, once.
    local counted = redis.call('HMGET', meta, 'b', 'bo')
    local bytes = 0
    if counted[2] and tonumber(counted[2]) == offset - 1 then
      bytes = tonumber(counted[1]) + #json
    else
      for _, entry in ipairs(redis.call('XRANGE', stream, '-', '+')) do
        bytes = bytes + #entry[2][2]
      end
    end
    -- The oldest go first, down to the size and the byte cap; the newest message always stays.
    local len = redis.call('XLEN', stream)
    while len > 1 and (len > size or bytes > maxBytes) do
      local oldest = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
      redis.call('XDEL', stream, oldest[1])
      bytes = bytes - #oldest[2][2]
      len = len - 1
    end
    redis.call('HSET', meta, 'b', bytes, 'bo', offset)
  elseif size > 0 then
    redis.call('XADD', stream, 'MAXLEN', size, offset .. '-0', 'm', json)
  end
  if refresh then
    if size > 0 then
      redis.call('EXPIRE', stream, ttl)
    end
    redis.call('EXPIRE', meta, ttl)
  end
  redis.call(publishCommand, KEYS[k + 2], epoch .. '|' .. offset .. '|' .. json)
  if idempotencyKey then
    redis.call('SET', idempotencyKey, epoch .. '|' .. offset, 'EX', keyTtl)
  end
  return epoch, offset, 0
end

local out = {}
local n, k, a = 0, 1, 3
while a <= #ARGV do
  local ok, epoch, offset, placed = pcall(place, k, a)
  if not ok then
    -- epoch holds the error: a table with err from redis.call on some versions, a string on others.
    epoch, offset, placed = '', 0, type(epoch) == 'table' and epoch.err or tostring(epoch)
  end
  out[n + 1], out[n + 2], out[n + 3] = epoch, offset, placed
  n = n + 3
  k = k + (ARGV[a + 6] == '1' and 4 or 3)
  a = a + 7
end
return out
