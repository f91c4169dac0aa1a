-- Every device still pending or sent becomes expired; one event lists them. Claimed by removing
-- the push from the expiry set, so that of several API processes exactly one does it.
if redis.call('ZREM', KEYS[3], ARGV[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'state') == 'cancelled' then return 0 end
local all = redis.call('HGETALL', KEYS[2])
local expired = {}
for i = 1, #all, 2 do
  local s = all[i + 1]
  if s == 'pending' or s == 'sent' then
    redis.call('HSET', KEYS[2], all[i], 'expired')
    redis.call('HINCRBY', KEYS[1], 'n:' .. s, -1)
    expired[#expired + 1] = all[i]
  end
end
if #expired > 0 then
  redis.call('HINCRBY', KEYS[1], 'n:expired', #expired)
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[3], '*', 'type', 'push.expired', 'pushId', ARGV[1], 'deviceIds', cjson.encode(expired), 'at', ARGV[2])
end
return #expired
