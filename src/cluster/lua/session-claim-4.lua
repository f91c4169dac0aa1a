-- Hand out the next epoch of a client id and record this edge as the session's home. KEYS: epochs,
-- sessions, this edge's set, the set of the edge the caller takes for the home (ARGV[4], '' for
-- none). When that guess is wrong, answers the real home (a string) and changes nothing: the
-- caller tries again with it, so that every key the script touches is named in KEYS.
local prev = redis.call('HGET', KEYS[2], ARGV[1])
local prevEdge = ''
if prev then prevEdge = cjson.decode(prev).edgeId end
if prevEdge ~= ARGV[4] then return {prevEdge} end
local epoch = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
if prevEdge ~= '' then redis.call('SREM', KEYS[4], ARGV[1]) end
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode({edgeId = ARGV[2], epoch = epoch, since = tonumber(ARGV[3])}))
redis.call('SADD', KEYS[3], ARGV[1])
return epoch
