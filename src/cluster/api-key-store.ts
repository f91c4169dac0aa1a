import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';
import { RedisScripts } from './redis-scripts.js';

/** An API key made over the API, as stored: never the key itself, only its SHA-256. */
export interface StoredApiKey {
  /** 16 hex digits; also the second part of the key (`rpk_<id>_<secret>`), so a request finds it by id. */
  id: string;
  /** Unique among live keys; rate limits and idempotency keys are kept per name. */
  name: string;
  /** SHA-256 (hex) of the whole key. */
  digest: string;
  scopes: string[];
  /** Requests per second; null for the API's default. */
  ratePerSecond: number | null;
  createdAt: number;
  /** null: never. An expired key is gone: get() and list() no longer see it. */
  expiresAt: number | null;
}

export type CreateResult = 'created' | 'name_taken' | 'id_taken';

/**
 * The API keys made over the API (POST /v1/api-keys), shared by every API process, so that a key
 * is created, revoked or expires without a restart. API_KEYS stays the bootstrap: its keys are not
 * stored here, only their last use.
 */
export interface ApiKeyStore {
  create(key: StoredApiKey): Promise<CreateResult>;
  /** The key with this id, or null when there is none (never made, revoked, expired). */
  get(id: string): Promise<StoredApiKey | null>;
  /** Every live key, by name. */
  list(): Promise<StoredApiKey[]>;
  /** false when there was no such key. */
  revoke(id: string): Promise<boolean>;
  /** Records a use of the key named `name` at `at` (ms). */
  touch(name: string, at: number): Promise<void>;
  /** When each of these keys was last used, for those ever used. */
  lastUsed(names: readonly string[]): Promise<Map<string, number>>;
}

/** In Redis, under one hash tag ({apikeys}): a hash per key, a name index, and a hash of last uses. */
export class RedisApiKeyStore implements ApiKeyStore {
  private readonly scripts: RedisScripts;

  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {
    this.scripts = new RedisScripts(redis);
  }

  async create(key: StoredApiKey): Promise<CreateResult> {
    const answer = await this.scripts.run('apikey-create-2', [this.keys.apiKey(key.id), this.keys.apiKeyNames()], [
      key.id, key.name, key.digest, key.scopes.join(' '), key.ratePerSecond === null ? '' : String(key.ratePerSecond),
      String(key.createdAt), String(key.expiresAt ?? 0), String(Date.now()),
    ]) as number;
    return answer === 1 ? 'created' : answer === 0 ? 'name_taken' : 'id_taken';
  }

  async get(id: string): Promise<StoredApiKey | null> {
    return fromHash(id, await this.redis.hgetall(this.keys.apiKey(id)));
  }

  async list(): Promise<StoredApiKey[]> {
    const index = await this.redis.hgetall(this.keys.apiKeyNames());
    const ids = Object.values(index).map((v) => v.split(' ')[0]!);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.apiKey(id));
    const rows = (await pipeline.exec()) ?? [];
    const found: StoredApiKey[] = [];
    rows.forEach(([err, hash], i) => {
      if (err) throw err;
      const key = fromHash(ids[i]!, hash as Record<string, string>);
      if (key) found.push(key);
    });
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  async revoke(id: string): Promise<boolean> {
    return (await this.scripts.run('apikey-revoke-3', [this.keys.apiKey(id), this.keys.apiKeyNames(), this.keys.apiKeyLastUse()], [id])) === 1;
  }

  async touch(name: string, at: number): Promise<void> {
    await this.redis.hset(this.keys.apiKeyLastUse(), name, String(at));
  }

  async lastUsed(names: readonly string[]): Promise<Map<string, number>> {
    if (names.length === 0) return new Map();
    const values = await this.redis.hmget(this.keys.apiKeyLastUse(), ...names);
    const used = new Map<string, number>();
    names.forEach((n, i) => { if (values[i]) used.set(n, Number(values[i])); });
    return used;
  }
}

function fromHash(id: string, h: Record<string, string>): StoredApiKey | null {
  if (!h.name || !h.digest) return null;
  const expiresAt = Number(h.expiresAt ?? 0);
  // Redis drops the hash at its expiry; this covers the moment between the two clocks.
  if (expiresAt > 0 && expiresAt <= Date.now()) return null;
  return {
    id, name: h.name, digest: h.digest, scopes: (h.scopes ?? '').split(' ').filter((s) => s.length > 0),
    ratePerSecond: h.rate ? Number(h.rate) : null, createdAt: Number(h.createdAt ?? 0), expiresAt: expiresAt > 0 ? expiresAt : null,
  };
}
