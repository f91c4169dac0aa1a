-- Take a place in the session's queue for one message unless that passes the cap: 1, or -1.
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
redis.call('ZADD', KEYS[1], 'NX', ARGV[3], ARGV[1])
return 1
