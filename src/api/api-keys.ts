import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

import { keyDigest, type ApiKey, type Scope } from '../api-keys-setting.js';
import { ApiError } from '../errors.js';

/** The API's door: its keys, and the rate limit check (0 when the request may go, else ms to wait). */
export interface ApiGate {
  keys: ApiKey[];
  limit: (key: ApiKey) => Promise<number>;
}

/** The key a request presents (`Authorization: Bearer <key>`), or null when it presents none. */
export function presentedKey(req: Request): string | null {
  const header = req.get('authorization');
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : '';
}

export function findKey(keys: ApiKey[], presented: string): ApiKey | null {
  const d = keyDigest(presented);
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
