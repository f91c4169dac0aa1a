-- Stores a new API key unless a live key has its name. KEYS[1] the key's hash, KEYS[2] the name
-- index (hash: name -> "<id> <expiresAt ms, 0 for never>"). ARGV: id, name, digest, scopes, rate
-- ('' for the default), createdAt, expiresAt (0: never), now.
-- Answers 1 (stored), 0 (the name is taken), -1 (the id is taken).
local held = redis.call('HGET', KEYS[2], ARGV[2])
if held then
  local expires = tonumber(string.match(held, ' (%d+)$'))
  -- A name whose key expired is free again (its hash expired with it; the index entry did not).
  if expires == 0 or expires > tonumber(ARGV[8]) then return 0 end
end
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
redis.call('HSET', KEYS[1], 'name', ARGV[2], 'digest', ARGV[3], 'scopes', ARGV[4], 'rate', ARGV[5],
  'createdAt', ARGV[6], 'expiresAt', ARGV[7])
if tonumber(ARGV[7]) > 0 then redis.call('PEXPIREAT', KEYS[1], ARGV[7]) end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1] .. ' ' .. ARGV[7])
return 1
