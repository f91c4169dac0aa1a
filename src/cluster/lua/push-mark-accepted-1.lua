-- A scheduled push RocketMQ took: accepted from now on (a later state is left as it is). KEYS: push.
if redis.call('HGET', KEYS[1], 'state') == 'scheduled' then redis.call('HSET', KEYS[1], 'state', 'accepted') end
return 0
