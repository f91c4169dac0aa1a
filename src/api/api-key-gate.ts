import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKey, Scope } from '../api-keys-setting.js';
import type { ApiKeyStore, StoredApiKey } from '../cluster/api-key-store.js';
import type { RateLimiter, RateTake } from '../cluster/rate-limiter.js';
import type { Logger } from '../log.js';
import { findKey, type ApiGate } from './api-keys.js';

/**
 * Keys made over the API look like `rpk_<id>_<secret>`: the id (16 hex digits) finds the stored
 * key in one read, the secret (32 random bytes, base64url) is what makes it a key. Only the
 * SHA-256 of the whole string is stored.
 */
const MADE_KEY = /^rpk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

export function makeKey(): { id: string; key: string } {
  const id = randomBytes(8).toString('hex');
  return { id, key: `rpk_${id}_${randomBytes(32).toString('base64url')}` };
}

export function digestHex(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface ApiKeyGateOptions {
  /** API_KEYS: the bootstrap keys, compared in this process. */
  configured: ApiKey[];
  store: ApiKeyStore;
  limiter: RateLimiter;
  /** Requests per second of a key that names no rate of its own (0: no limit). */
  defaultRate: number;
  /** How long a stored key's lookup is reused: the longest a revoked key keeps working on a process. */
  cacheMs: number;
  log: Logger;
  now?: () => number;
}

/** A key's last use is written at most this often per API process. */
const TOUCH_EVERY_MS = 60_000;
/** Lookups kept at most; past it the cache starts over (a flood of made-up ids cannot grow it). */
const CACHE_MAX = 10_000;

/**
 * The door of the REST API: the keys of API_KEYS, and the keys made over the API, looked up in the
 * shared store (and reused for `cacheMs`), so that a key works on every API process as soon as it
 * is made and stops within `cacheMs` of being revoked or of its expiry, without a restart.
 */
export class ApiKeyGate implements ApiGate {
  private readonly cache = new Map<string, { key: ApiKey | null; digest: Buffer | null; at: number }>();
  private readonly touched = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly opts: ApiKeyGateOptions) {
    this.now = opts.now ?? Date.now;
  }

  async authenticate(presented: string): Promise<ApiKey | null> {
    const m = MADE_KEY.exec(presented);
    const key = m ? await this.stored(m[1]!, presented) : findKey(this.opts.configured, presented);
    if (key) this.touch(key.name);
    return key;
  }

  rateOf(key: ApiKey): number {
    return key.ratePerSecond ?? this.opts.defaultRate;
  }

  take(key: ApiKey, ratePerSecond: number): Promise<RateTake> {
    return this.opts.limiter.take(key.name, ratePerSecond);
  }

  /** Drops what this process holds of a key (the revoking process does not wait for the cache). */
  forget(id: string): void {
    this.cache.delete(id);
  }

  private async stored(id: string, presented: string): Promise<ApiKey | null> {
    const now = this.now();
    let entry = this.cache.get(id);
    if (!entry || now - entry.at > this.opts.cacheMs) {
      const found = await this.opts.store.get(id);
      entry = { key: found ? toApiKey(found) : null, digest: found ? Buffer.from(found.digest, 'hex') : null, at: now };
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(id, entry);
    }
    const { key, digest } = entry;
    if (!key || !digest || digest.length !== 32) return null;
    if (!timingSafeEqual(digest, createHash('sha256').update(presented).digest())) return null;
    if (key.expiresAt != null && key.expiresAt <= now) return null;
    return key;
  }

  private touch(name: string): void {
    const now = this.now();
    if (now - (this.touched.get(name) ?? 0) < TOUCH_EVERY_MS) return;
    this.touched.set(name, now);
    this.opts.store.touch(name, now).catch((err: unknown) => {
      this.opts.log.warn('could not record an API key\'s last use', { apiKey: name, error: String(err) });
    });
  }
}

export function toApiKey(k: StoredApiKey): ApiKey {
  return {
    name: k.name, id: k.id, expiresAt: k.expiresAt, digest: Buffer.from(k.digest, 'hex'),
    scopes: new Set(k.scopes as Scope[]), ratePerSecond: k.ratePerSecond,
  };
}
