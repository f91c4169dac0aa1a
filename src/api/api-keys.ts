import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

import { ApiError, ApiKeyConfigError } from '../errors.js';

/** What an API key may do. `*` in the configuration grants all of them. */
export const SCOPES = ['publish', 'push', 'devices.read', 'devices.write', 'cluster.write'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  name: string;
  /** SHA-256 of the key, compared in constant time. */
  digest: Buffer;
  scopes: ReadonlySet<Scope>;
  /** Requests per second this key may make; null for the API's default (API_RATE_LIMIT). */
  ratePerSecond: number | null;
}

/** The API's door: its keys, and the rate limit check (0 when the request may go, else ms to wait). */
export interface ApiGate {
  keys: ApiKey[];
  limit: (key: ApiKey) => Promise<number>;
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
    keys.push({ name, digest: digest(key), scopes: granted, ratePerSecond: rate === undefined ? null : Number(rate) });
  }
  return keys;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** The key a request presents (`Authorization: Bearer <key>`), or null when it presents none. */
export function presentedKey(req: Request): string | null {
  const header = req.get('authorization');
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : '';
}

export function findKey(keys: ApiKey[], presented: string): ApiKey | null {
  const d = digest(presented);
  let found: ApiKey | null = null;
  // Every key is compared, so the time taken does not tell which one nearly matched.
  for (const k of keys) if (timingSafeEqual(k.digest, d)) found = k;
  return found;
}

/** express middleware: 401 without a valid key, 403 when the key lacks `scope`, 429 past its rate. */
export function requireScope(gate: ApiGate, scope: Scope) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const presented = presentedKey(req);
    if (presented === null) return next(new ApiError(401, 'unauthorized', 'an API key is required: Authorization: Bearer <key>'));
    const key = findKey(gate.keys, presented);
    if (!key) return next(new ApiError(401, 'unauthorized', 'the API key is not valid'));
    if (!key.scopes.has(scope)) return next(new ApiError(403, 'forbidden', `the API key "${key.name}" may not ${scope}`));
    res.locals.apiKey = key.name;
    gate.limit(key).then((waitMs) => {
      if (waitMs <= 0) return next();
      res.set('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
      next(new ApiError(429, 'rate_limited', `the API key "${key.name}" is over its rate limit; retry after ${waitMs} ms`));
    }, next);
  };
}
