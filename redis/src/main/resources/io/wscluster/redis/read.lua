-- A room's position and, optionally, its stored messages after an offset, in one atomic read.
-- KEYS[1] meta hash, KEYS[2] history stream
-- ARGV[1] epoch to start when the room has none, ARGV[2] TTL in seconds,
-- ARGV[3] first offset wanted (0: position only, no messages)
-- Returns {epoch, last offset, oldest stored offset or 0, id1, msg1, id2, msg2, ...}
local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'e', epoch, 'o', 0)
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
local offset = redis.call('HGET', KEYS[1], 'o') or '0'
local out = {epoch, offset, '0'}
local oldest = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
if #oldest > 0 then
  out[3] = oldest[1][1]
end
local from = tonumber(ARGV[3])
if from > 0 then
  local entries = redis.call('XRANGE', KEYS[2], from .. '-0', '+')
  for _, e in ipairs(entries) do
    out[#out + 1] = e[1]
    out[#out + 1] = e[2][2]
  end
end
return out
