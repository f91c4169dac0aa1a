import type { RateLimiter } from '../rate-limiter.js';

/** Token buckets in this process: the same rule as the Redis limiter, on this process' clock. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  take(name: string, ratePerSecond: number): Promise<number> {
    if (ratePerSecond <= 0) return Promise.resolve(0);
    const now = this.now();
    const burst = Math.max(1, ratePerSecond);
    const b = this.buckets.get(name) ?? { tokens: burst, at: now };
    let tokens = Math.min(burst, b.tokens + ((now - b.at) * ratePerSecond) / 1000);
    let wait = 0;
    if (tokens >= 1) tokens -= 1;
    else wait = Math.ceil(((1 - tokens) * 1000) / ratePerSecond);
    this.buckets.set(name, { tokens, at: now });
    return Promise.resolve(wait);
  }
}
