import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

import { keyDigest, type ApiKey, type Scope } from '../api-keys-setting.js';
import type { RateTake } from '../cluster/rate-limiter.js';
import { ApiError } from '../errors.js';

/** The API's door: which key a request presents, and whether its rate lets the request in. */
export interface ApiGate {
  /** The key that `presented` is, or null when it is no valid key. */
  authenticate(presented: string): Promise<ApiKey | null>;
  /** Requests per second this key may make (0: no limit). */
  rateOf(key: ApiKey): number;
  /** Takes one request from the key's budget. */
  take(key: ApiKey, ratePerSecond: number): Promise<RateTake>;
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

/**
 * The rate limit headers of the IETF httpapi draft (draft-ietf-httpapi-ratelimit-headers): the
 * policy (`q` requests per `w` seconds) and what is left of it now (`r` requests, full again in
 * `t` seconds), so that a client can slow down before it is refused.
 */
function setRateLimitHeaders(res: Response, rate: number, take: RateTake): void {
  res.set('RateLimit-Policy', `"api-key";q=${rate};w=1`);
  res.set('RateLimit', `"api-key";r=${take.remaining};t=${Math.ceil(take.resetMs / 1000)}`);
}

/** The key a request passed requireScope with. */
export function callerOf(res: Response): ApiKey {
  return res.locals.caller as ApiKey;
}

/** express middleware: 401 without a valid key, 403 when the key lacks `scope`, 429 past its rate. */
export function requireScope(gate: ApiGate, scope: Scope) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const presented = presentedKey(req);
    if (presented === null) return next(new ApiError(401, 'unauthorized', 'an API key is required: Authorization: Bearer <key>'));
    gate.authenticate(presented).then(async (key) => {
      if (!key) return next(new ApiError(401, 'unauthorized', 'the API key is not valid'));
      if (!key.scopes.has(scope)) return next(new ApiError(403, 'forbidden', `the API key "${key.name}" may not ${scope}`));
      res.locals.apiKey = key.name;
      res.locals.caller = key;
      const rate = gate.rateOf(key);
      if (rate <= 0) return next();
      const take = await gate.take(key, rate);
      setRateLimitHeaders(res, rate, take);
      if (take.waitMs <= 0) return next();
      res.set('Retry-After', String(Math.max(1, Math.ceil(take.waitMs / 1000))));
      next(new ApiError(429, 'rate_limited', `the API key "${key.name}" is over its rate limit; retry after ${take.waitMs} ms`));
    }).catch(next);
  };
}
