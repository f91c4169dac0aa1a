-- For each delivery key: its packet id if it was sent before, else the session's next one
-- (1..65535), recorded as sent. Answers one state per key.
local out = {}
for i, key in ipairs(ARGV) do
  local cur = redis.call('HGET', KEYS[2], key)
  if not cur then
    local pid = redis.call('HINCRBY', KEYS[1], 'pid', 1)
    if pid > 65535 then pid = 1; redis.call('HSET', KEYS[1], 'pid', 1) end
    cur = 's:' .. pid
    redis.call('HSET', KEYS[2], key, cur)
  end
  out[i] = cur
end
return out
