-- KEYS: device, all, then the user and tag indexes to enter. ARGV: id, secret hash, user ('' for
-- none), tags JSON, now.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'secret', ARGV[2], 'user', ARGV[3], 'tags', ARGV[4], 'createdAt', ARGV[5], 'updatedAt', ARGV[5])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
for i = 3, #KEYS do redis.call('ZADD', KEYS[i], 0, ARGV[1]) end
return 1
