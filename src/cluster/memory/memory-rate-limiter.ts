import { UNLIMITED, type RateLimiter, type RateTake } from '../rate-limiter.js';

/** Token buckets in this process: the same rule as the Redis limiter, on this process' clock. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  take(name: string, ratePerSecond: number): Promise<RateTake> {
    if (ratePerSecond <= 0) return Promise.resolve(UNLIMITED);
    const now = this.now();
    const burst = Math.max(1, ratePerSecond);
    const b = this.buckets.get(name) ?? { tokens: burst, at: now };
    let tokens = Math.min(burst, b.tokens + ((now - b.at) * ratePerSecond) / 1000);
    let waitMs = 0;
    if (tokens >= 1) tokens -= 1;
    else waitMs = Math.ceil(((1 - tokens) * 1000) / ratePerSecond);
    this.buckets.set(name, { tokens, at: now });
    return Promise.resolve({ waitMs, remaining: Math.floor(tokens), resetMs: Math.ceil(((burst - tokens) * 1000) / ratePerSecond) });
  }
}
