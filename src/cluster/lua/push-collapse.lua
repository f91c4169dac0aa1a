-- Points each device's collapse key at the new push; an older push still pending for that device
-- is replaced there. Per device, KEYS: its collapse key, then the push and push devices keys of the
-- push the caller read from it (of the new push when none); ARGV: push id, ttl ms, then per device
-- its id and the push id read ('' for none). -1, with nothing changed, when a collapse key moved
-- since it was read: the caller reads again (every key the script touches is named in KEYS).
local id, ttl = ARGV[1], tonumber(ARGV[2])
local count = (#ARGV - 2) / 2
for i = 1, count do
  if (redis.call('GET', KEYS[3 * i - 2]) or '') ~= ARGV[2 + 2 * i] then return -1 end
end
local n = 0
for i = 1, count do
  local dev, old = ARGV[1 + 2 * i], ARGV[2 + 2 * i]
  redis.call('SET', KEYS[3 * i - 2], id, 'PX', ttl)
  if old ~= '' and old ~= id and redis.call('HGET', KEYS[3 * i], dev) == 'pending' then
    redis.call('HSET', KEYS[3 * i], dev, 'replaced')
    redis.call('HINCRBY', KEYS[3 * i - 1], 'n:pending', -1)
    redis.call('HINCRBY', KEYS[3 * i - 1], 'n:replaced', 1)
    n = n + 1
  end
end
return n
