-- Every index key is named in KEYS, so the caller reads the device's user and tags first and the
-- script refuses (-1, nothing changed) when they changed since: the caller reads again.
-- KEYS: device, the indexes to leave (ARGV[4] of them), the indexes to enter. ARGV: id, user and
-- tags JSON as read, count to leave, new user or '\0' to keep, new tags JSON or '' to keep, now.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[1], 'user') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'tags') ~= ARGV[3] then return -1 end
local leave = tonumber(ARGV[4])
for i = 2, 1 + leave do redis.call('ZREM', KEYS[i], ARGV[1]) end
for i = 2 + leave, #KEYS do redis.call('ZADD', KEYS[i], 0, ARGV[1]) end
if ARGV[5] ~= '\0' then redis.call('HSET', KEYS[1], 'user', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'tags', ARGV[6]) end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[7])
return 1
