-- Receipts of one push from one edge, in the order they happened: KEYS push hash, its devices'
-- states, the events stream; ARGV now, push id, events kept, then device id and state pairs.
-- One call per push and flush instead of one per receipt: a broadcast brings two receipts per
-- device (sent, acked), and a command each was most of an edge's CPU in a broadcast.
-- 'sent' only after pending (or for a device not listed: topic targets); 'acked' from any state,
-- since a device that acknowledges has the message even if it was counted expired.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local now, pushId, kept = ARGV[1], ARGV[2], ARGV[3]
local listed = redis.call('EXISTS', KEYS[2]) == 1
local changed = 0
local delta = {}
for i = 4, #ARGV, 2 do
  local device, new = ARGV[i], ARGV[i + 1]
  local cur = redis.call('HGET', KEYS[2], device)
  if cur ~= new and not (new == 'sent' and cur and cur ~= 'pending') then
    redis.call('HSET', KEYS[2], device, new)
    if not listed then
      redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
      listed = true
    end
    if cur then delta[cur] = (delta[cur] or 0) - 1 end
    delta[new] = (delta[new] or 0) + 1
    if new == 'acked' then
      redis.call('XADD', KEYS[3], 'MAXLEN', '~', kept, '*', 'type', 'push.acknowledged', 'pushId', pushId, 'deviceId', device, 'at', now)
    end
    changed = changed + 1
  end
end
for state, n in pairs(delta) do
  if n ~= 0 then redis.call('HINCRBY', KEYS[1], 'n:' .. state, n) end
end
return changed
