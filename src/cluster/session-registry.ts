import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

// Hand out the next epoch of a client id and record this edge as the session's home.
const CLAIM = `
local epoch = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
local prev = redis.call('HGET', KEYS[2], ARGV[1])
if prev then
  local p = cjson.decode(prev)
  redis.call('SREM', ARGV[4] .. p.edgeId .. ARGV[5], ARGV[1])
end
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode({edgeId = ARGV[2], epoch = epoch, since = tonumber(ARGV[3])}))
redis.call('SADD', ARGV[4] .. ARGV[2] .. ARGV[5], ARGV[1])
return epoch`;

// Forget the session only if it is still the one this connection claimed.
const RELEASE = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return 0 end
local c = cjson.decode(cur)
if c.epoch ~= tonumber(ARGV[2]) then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1`;

export interface SessionLocation {
  edgeId: string;
  epoch: number;
  since: number;
}

/**
 * Where each client's live session is, cluster-wide. Every CONNECT claims a new epoch; the
 * connection with the highest epoch is the one that stays (one live session per client id).
 */
export class SessionRegistry {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async claim(clientId: string, edgeId: string): Promise<number> {
    const [prefix, suffix] = this.keys.edgeSessions('\u0000').split('\u0000') as [string, string];
    const epoch = await this.redis.eval(CLAIM, 2, this.keys.sessionEpochs(), this.keys.sessions(),
      clientId, edgeId, String(Date.now()), prefix, suffix);
    return Number(epoch);
  }

  async release(clientId: string, edgeId: string, epoch: number): Promise<boolean> {
    const r = await this.redis.eval(RELEASE, 2, this.keys.sessions(), this.keys.edgeSessions(edgeId), clientId, String(epoch));
    return r === 1;
  }

  async locate(clientId: string): Promise<SessionLocation | null> {
    const v = await this.redis.hget(this.keys.sessions(), clientId);
    return v ? (JSON.parse(v) as SessionLocation) : null;
  }

  /** Marks every session still homed on a dead edge offline; returns their client ids. */
  async releaseAllOf(edgeId: string): Promise<string[]> {
    const ids = await this.redis.smembers(this.keys.edgeSessions(edgeId));
    for (const id of ids) {
      const loc = await this.locate(id);
      if (loc && loc.edgeId === edgeId) await this.release(id, edgeId, loc.epoch);
    }
    await this.redis.del(this.keys.edgeSessions(edgeId));
    return ids;
  }
}
