import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';
import { RedisScripts } from './redis-scripts.js';

/** Requests per second per API key, with a burst of one second's worth. */
export interface RateLimiter {
  /** 0 when a request of `name` may go now, else the milliseconds until it may (no limit at a rate of 0). */
  take(name: string, ratePerSecond: number): Promise<number>;
}

/** In Redis: a token bucket per name on Redis' own clock, so that every API process shares one budget. */
export class RedisRateLimiter implements RateLimiter {
  private readonly scripts: RedisScripts;

  constructor(redis: Redis, private readonly keys: RedisKeys) {
    this.scripts = new RedisScripts(redis);
  }

  async take(name: string, ratePerSecond: number): Promise<number> {
    if (ratePerSecond <= 0) return 0;
    return await this.scripts.run('rate-take-1', [this.keys.rateBucket(name)], [String(ratePerSecond), String(Math.max(1, ratePerSecond))]) as number;
  }
}
