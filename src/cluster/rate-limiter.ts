import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';
import { RedisScripts } from './redis-scripts.js';

/** What one request's take from its key's bucket found. */
export interface RateTake {
  /** 0 when the request may go now, else the milliseconds until it may. */
  waitMs: number;
  /** Requests that may follow at once. */
  remaining: number;
  /** Milliseconds until the whole burst is available again. */
  resetMs: number;
}

/** Requests per second per API key, with a burst of one second's worth. */
export interface RateLimiter {
  /** Takes one request from `name`'s bucket (no limit at a rate of 0: nothing is kept then). */
  take(name: string, ratePerSecond: number): Promise<RateTake>;
}

export const UNLIMITED: RateTake = { waitMs: 0, remaining: Number.POSITIVE_INFINITY, resetMs: 0 };

/** In Redis: a token bucket per name on Redis' own clock, so that every API process shares one budget. */
export class RedisRateLimiter implements RateLimiter {
  private readonly scripts: RedisScripts;

  constructor(redis: Redis, private readonly keys: RedisKeys) {
    this.scripts = new RedisScripts(redis);
  }

  async take(name: string, ratePerSecond: number): Promise<RateTake> {
    if (ratePerSecond <= 0) return UNLIMITED;
    const [waitMs, remaining, resetMs] = await this.scripts.run('rate-take-1', [this.keys.rateBucket(name)], [String(ratePerSecond), String(Math.max(1, ratePerSecond))]) as [number, number, number];
    return { waitMs, remaining, resetMs };
  }
}
