-- Record a broker group's position, only for a session that still exists (a discarded one must not
-- come back as a bare hash); the single position of an older session goes with the first one.
if redis.call('HEXISTS', KEYS[1], 'gen') == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('HDEL', KEYS[1], ARGV[3])
end
return 0
