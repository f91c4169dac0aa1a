-- Devices not delivered to yet are cancelled; a delayed push is not sent at all.
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
redis.call('HSET', KEYS[1], 'state', 'cancelled')
redis.call('ZREM', KEYS[3], ARGV[1])
local all = redis.call('HGETALL', KEYS[2])
local n = 0
for i = 1, #all, 2 do
  if all[i + 1] == 'pending' then
    redis.call('HSET', KEYS[2], all[i], 'cancelled')
    n = n + 1
  end
end
redis.call('HINCRBY', KEYS[1], 'n:pending', -n)
redis.call('HINCRBY', KEYS[1], 'n:cancelled', n)
return n
