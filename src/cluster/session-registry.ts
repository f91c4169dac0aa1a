import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

// Hand out the next epoch of a client id and record this edge as the session's home. KEYS: epochs,
// sessions, this edge's set, the set of the edge the caller takes for the home (ARGV[4], '' for
// none). When that guess is wrong, answers the real home (a string) and changes nothing: the
// caller tries again with it, so that every key the script touches is named in KEYS.
const CLAIM = `
local prev = redis.call('HGET', KEYS[2], ARGV[1])
local prevEdge = ''
if prev then prevEdge = cjson.decode(prev).edgeId end
if prevEdge ~= ARGV[4] then return {prevEdge} end
local epoch = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
if prevEdge ~= '' then redis.call('SREM', KEYS[4], ARGV[1]) end
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode({edgeId = ARGV[2], epoch = epoch, since = tonumber(ARGV[3])}))
redis.call('SADD', KEYS[3], ARGV[1])
return epoch`;

/** Claims that found another home than the one guessed, before giving up. */
const CLAIM_TRIES = 10;

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
    // Most CONNECTs find no live session (the last one was released): one round trip.
    let home = '';
    for (let i = 0; i < CLAIM_TRIES; i++) {
      const r = await this.redis.eval(CLAIM, 4, this.keys.sessionEpochs(), this.keys.sessions(),
        this.keys.edgeSessions(edgeId), this.keys.edgeSessions(home === '' ? edgeId : home),
        clientId, edgeId, String(Date.now()), home) as number | [string];
      if (typeof r === 'number') return r;
      home = r[0];
    }
    throw new Error(`session claim of ${clientId}: its home kept changing (${CLAIM_TRIES} tries)`);
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
