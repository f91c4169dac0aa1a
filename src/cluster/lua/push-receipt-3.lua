-- A device's receipt: sent only after pending (or for a device not listed: topic targets); acked
-- from any state, since a device that acknowledges has the message even if it was counted expired.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local cur = redis.call('HGET', KEYS[2], ARGV[1])
local new = ARGV[2]
if cur == new then return 0 end
if new == 'sent' and cur and cur ~= 'pending' then return 0 end
if not cur and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('HSET', KEYS[2], ARGV[1], new)
  redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
else
  redis.call('HSET', KEYS[2], ARGV[1], new)
end
if cur then redis.call('HINCRBY', KEYS[1], 'n:' .. cur, -1) end
redis.call('HINCRBY', KEYS[1], 'n:' .. new, 1)
if new == 'acked' then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'type', 'push.acknowledged', 'pushId', ARGV[4], 'deviceId', ARGV[1], 'at', ARGV[3])
end
return 1
