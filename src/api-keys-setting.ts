import { createHash } from 'node:crypto';
import { ApiKeyConfigError } from './errors.js';

/**
 * The API_KEYS setting: which keys the REST API accepts, with their scopes and rates. Parsed with
 * the rest of the configuration (src/config.ts), at start, so that a wrong entry stops the process
 * with a message naming it.
 */

/** What an API key may do. `*` in the configuration grants all of them. */
export const SCOPES = ['publish', 'push', 'devices.read', 'devices.write', 'cluster.write', 'keys.manage'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  name: string;
  /** Keys made over the API have an id (and may expire); API_KEYS' have none. */
  id?: string;
  expiresAt?: number | null;
  /** SHA-256 of the key, compared in constant time. */
  digest: Buffer;
  scopes: ReadonlySet<Scope>;
  /** Requests per second this key may make; null for the API's default (API_RATE_LIMIT). */
  ratePerSecond: number | null;
}

/**
 * Parses API_KEYS: comma-separated `name:key:scopes[:rate]` entries, scopes joined with `+` (`*`
 * for all), rate in requests per second, e.g. `backend:9f3k...:publish+devices.read:50,ops:x71...:*`.
 * Keys must be at least 16 characters.
 */
export function parseApiKeys(raw: string): ApiKey[] {
  const keys: ApiKey[] = [];
  for (const entry of raw.split(',').map((e) => e.trim()).filter((e) => e.length > 0)) {
    const [name, key, scopes, rate, ...rest] = entry.split(':');
    if (!name || !key || !scopes || rest.length > 0) throw new ApiKeyConfigError(`API_KEYS entry "${name ?? entry}" is not name:key:scopes[:rate]`);
    if (rate !== undefined && !/^[1-9][0-9]{0,6}$/.test(rate)) throw new ApiKeyConfigError(`API_KEYS rate "${rate}" of "${name}" is not a whole number of requests per second`);
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new ApiKeyConfigError(`API_KEYS name "${name}" may use letters, digits, _ . - only`);
    if (key.length < 16) throw new ApiKeyConfigError(`API_KEYS key of "${name}" is shorter than 16 characters`);
    if (keys.some((k) => k.name === name)) throw new ApiKeyConfigError(`API_KEYS name "${name}" appears twice`);
    const granted = new Set<Scope>();
    for (const s of scopes.split('+')) {
      if (s === '*') SCOPES.forEach((x) => granted.add(x));
      else if ((SCOPES as readonly string[]).includes(s)) granted.add(s as Scope);
      else throw new ApiKeyConfigError(`API_KEYS scope "${s}" of "${name}" is not one of *, ${SCOPES.join(', ')}`);
    }
    keys.push({ name, digest: keyDigest(key), scopes: granted, ratePerSecond: rate === undefined ? null : Number(rate) });
  }
  return keys;
}

/** SHA-256 of a key: what is kept of it and compared. */
export function keyDigest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
