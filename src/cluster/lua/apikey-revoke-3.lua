-- Revokes an API key. KEYS[1] the key's hash, KEYS[2] the name index, KEYS[3] last use by name.
-- ARGV: id. Answers 1 when the key was there, else 0.
local name = redis.call('HGET', KEYS[1], 'name')
if not name then return 0 end
redis.call('DEL', KEYS[1])
local held = redis.call('HGET', KEYS[2], name)
if held and string.match(held, '^(%S+) ') == ARGV[1] then redis.call('HDEL', KEYS[2], name) end
redis.call('HDEL', KEYS[3], name)
return 1
