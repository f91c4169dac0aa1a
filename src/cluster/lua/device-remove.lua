-- KEYS: device, all, its user and tag indexes as read. ARGV: id, user and tags JSON as read.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[1], 'user') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'tags') ~= ARGV[3] then return -1 end
for i = 2, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
redis.call('DEL', KEYS[1])
return 1
