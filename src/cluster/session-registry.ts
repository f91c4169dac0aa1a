import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';
import { RedisScripts } from './redis-scripts.js';

/** Claims that found another home than the one guessed, before giving up. */
const CLAIM_TRIES = 10;

/** What a CONNECT's claim found and got. */
export interface SessionClaim {
  epoch: number;
  /** The edge recorded as the client's home before this claim; '' when it had none. */
  previousEdge: string;
}

export interface SessionLocation {
  edgeId: string;
  epoch: number;
  since: number;
}

/**
 * Where each client's live session is, cluster-wide. Every CONNECT claims a new epoch; the
 * connection with the highest epoch is the one that stays (one live session per client id).
 */
export interface SessionRegistry {
  /** Records this edge as the client's home and hands out the next epoch of the client id. */
  claim(clientId: string, edgeId: string): Promise<SessionClaim>;
  /** Forgets the session only if it is still the one this connection claimed; true when it was. */
  release(clientId: string, edgeId: string, epoch: number): Promise<boolean>;
  locate(clientId: string): Promise<SessionLocation | null>;
  /** Marks every session still homed on a dead edge offline; returns their client ids. */
  releaseAllOf(edgeId: string): Promise<string[]>;
}

/** In Redis: a hash of live sessions, one of epochs, and a set of client ids per edge (Lua claim). */
export class RedisSessionRegistry implements SessionRegistry {
  private readonly scripts: RedisScripts;

  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {
    this.scripts = new RedisScripts(redis);
  }

  async claim(clientId: string, edgeId: string): Promise<SessionClaim> {
    // Most CONNECTs find no live session (the last one was released): one round trip.
    let home = '';
    for (let i = 0; i < CLAIM_TRIES; i++) {
      const r = await this.scripts.run('session-claim-4', [this.keys.sessionEpochs(), this.keys.sessions(),
        this.keys.edgeSessions(edgeId), this.keys.edgeSessions(home === '' ? edgeId : home)],
        [clientId, edgeId, String(Date.now()), home]) as number | [string];
      // The script only claims when the home it was given is the real one.
      if (typeof r === 'number') return { epoch: r, previousEdge: home };
      home = r[0];
    }
    throw new Error(`session claim of ${clientId}: its home kept changing (${CLAIM_TRIES} tries)`);
  }

  async release(clientId: string, edgeId: string, epoch: number): Promise<boolean> {
    const r = await this.scripts.run('session-release-2', [this.keys.sessions(), this.keys.edgeSessions(edgeId)], [clientId, String(epoch)]);
    return r === 1;
  }

  async locate(clientId: string): Promise<SessionLocation | null> {
    const v = await this.redis.hget(this.keys.sessions(), clientId);
    return v ? (JSON.parse(v) as SessionLocation) : null;
  }

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
