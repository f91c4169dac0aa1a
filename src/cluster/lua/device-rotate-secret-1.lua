-- A new secret for a device that exists. KEYS: device. ARGV: secret hash, now. 0 for an unknown device.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'secret', ARGV[1], 'updatedAt', ARGV[2])
return 1
