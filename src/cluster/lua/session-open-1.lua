-- Create the session unless it exists; answer its generation, whether it is new, and its fields.
local gen = redis.call('HGET', KEYS[1], 'gen')
if gen then return {gen, 0, redis.call('HGETALL', KEYS[1])} end
redis.call('HSET', KEYS[1], 'gen', ARGV[1], 'createdAt', ARGV[2])
return {ARGV[1], 1, {}}
