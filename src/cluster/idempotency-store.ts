import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

const TTL_SECONDS = 24 * 3600;

export type IdempotencyState =
  | { state: 'new' }
  | { state: 'pending' }
  | { state: 'done'; status: number; body: unknown }
  | { state: 'mismatch' };

/**
 * Answers of requests made with an Idempotency-Key, for 24 hours, per API key. The first request
 * takes the key (SET NX) before it does anything; a repeat gets the stored answer and sends nothing;
 * a repeat with a different body is refused, and one that arrives while the first is still
 * running is told so.
 */
export interface IdempotencyStore {
  /** Takes the key for this request, or tells what an earlier request with it did. */
  begin(apiKey: string, key: string, body: unknown): Promise<IdempotencyState>;
  /** The request's answer, handed to every repeat for 24 hours. */
  finish(apiKey: string, key: string, body: unknown, status: number, answer: unknown): Promise<void>;
  /** The request failed before anything was sent: a repeat may try again. */
  abandon(apiKey: string, key: string): Promise<void>;
}

/** Fingerprints of request bodies: a repeat must send the same body. */
export function digest(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body) ?? '').digest('hex');
}

/** In Redis: one string per API key and Idempotency-Key, expiring after 24 hours. */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async begin(apiKey: string, key: string, body: unknown): Promise<IdempotencyState> {
    const k = this.keys.idempotency(apiKey, key);
    const fingerprint = digest(body);
    if ((await this.redis.set(k, JSON.stringify({ pending: true, fingerprint }), 'EX', TTL_SECONDS, 'NX')) === 'OK') return { state: 'new' };
    const raw = await this.redis.get(k);
    if (!raw) return this.begin(apiKey, key, body);
    const stored = JSON.parse(raw) as { pending?: boolean; fingerprint: string; status?: number; body?: unknown };
    if (stored.fingerprint !== fingerprint) return { state: 'mismatch' };
    if (stored.pending) return { state: 'pending' };
    return { state: 'done', status: stored.status!, body: stored.body };
  }

  async finish(apiKey: string, key: string, body: unknown, status: number, answer: unknown): Promise<void> {
    await this.redis.set(this.keys.idempotency(apiKey, key), JSON.stringify({ fingerprint: digest(body), status, body: answer }), 'EX', TTL_SECONDS);
  }

  async abandon(apiKey: string, key: string): Promise<void> {
    await this.redis.del(this.keys.idempotency(apiKey, key));
  }
}
