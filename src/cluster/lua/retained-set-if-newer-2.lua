-- Set the retained message of a topic unless a newer one is there; an empty payload clears it.
local clock = redis.call('HGET', KEYS[2], ARGV[1])
if clock and tonumber(clock) > tonumber(ARGV[2]) then return 0 end
if ARGV[4] == '1' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
