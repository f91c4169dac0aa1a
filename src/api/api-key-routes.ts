import { Router } from 'express';
import { SCOPES, type ApiKey, type Scope } from '../api-keys-setting.js';
import type { ApiKeyStore, StoredApiKey } from '../cluster/api-key-store.js';
import { ApiError } from '../errors.js';
import type { Logger } from '../log.js';
import { digestHex, makeKey } from './api-key-gate.js';
import { callerOf, requireScope, type ApiGate } from './api-keys.js';
import { fromZod } from './error-answers.js';
import { pathParam } from './params.js';
import { logContext } from './request-context.js';
import { apiKeyId, createApiKeyBody } from './schemas.js';

export interface ApiKeyRoutesDeps {
  store: ApiKeyStore;
  /** API_KEYS: listed, never changed here. */
  configured: ApiKey[];
  gate: ApiGate & { forget?: (id: string) => void };
  log: Logger;
}

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : null);

function view(k: StoredApiKey, lastUsedAt: number | undefined) {
  return {
    id: k.id, name: k.name, source: 'api' as const, scopes: k.scopes, rate: k.ratePerSecond,
    createdAt: iso(k.createdAt), expiresAt: iso(k.expiresAt), lastUsedAt: iso(lastUsedAt),
  };
}

function configuredView(k: ApiKey, lastUsedAt: number | undefined) {
  return {
    id: null, name: k.name, source: 'config' as const, scopes: [...k.scopes], rate: k.ratePerSecond,
    createdAt: null, expiresAt: null, lastUsedAt: iso(lastUsedAt),
  };
}

/** API keys over REST: /v1/api-keys (scope keys.manage). */
export function apiKeyRoutes(deps: ApiKeyRoutesDeps): Router {
  const { store, configured, gate, log } = deps;
  const router = Router();
  const manage = requireScope(gate, 'keys.manage');

  router.post('/v1/api-keys', manage, async (req, res, next) => {
    try {
      const parsed = createApiKeyBody.safeParse(req.body);
      if (!parsed.success) throw fromZod(parsed.error);
      const { name, rate, ttl, expiresAt } = parsed.data;
      const scopes: Scope[] = parsed.data.scopes.includes('*') ? [...SCOPES] : [...new Set(parsed.data.scopes as Scope[])];
      // A key cannot hand out more than it holds: keys.manage alone does not make an admin.
      const beyond = scopes.filter((s) => !callerOf(res).scopes.has(s));
      if (beyond.length > 0) throw new ApiError(403, 'forbidden', `the API key "${res.locals.apiKey as string}" cannot grant scopes it does not hold: ${beyond.join(', ')}`, 'scopes');
      if (configured.some((k) => k.name === name)) throw new ApiError(409, 'conflict', `"${name}" is a key of API_KEYS`, 'name');
      const now = Date.now();
      const expires = ttl !== undefined ? now + ttl * 1000 : expiresAt !== undefined ? Date.parse(expiresAt) : null;
      if (expires !== null && expires <= now + 1000) throw new ApiError(400, 'invalid_request', 'expiresAt: is not in the future', 'expiresAt');
      const made = makeKey();
      const stored: StoredApiKey = { id: made.id, name, digest: digestHex(made.key), scopes, ratePerSecond: rate ?? null, createdAt: now, expiresAt: expires };
      const result = await store.create(stored);
      if (result === 'name_taken') throw new ApiError(409, 'conflict', `an API key named "${name}" exists; revoke it first or pick another name`, 'name');
      if (result === 'id_taken') throw new ApiError(503, 'unavailable', 'a key id was drawn twice; retry');
      log.info('api key created', { keyId: made.id, name, scopes: scopes.join(' '), expiresAt: iso(expires), ...logContext(res) });
      res.status(201).json({ ...view(stored, undefined), key: made.key });
    } catch (err) { next(err); }
  });

  router.get('/v1/api-keys', manage, async (_req, res, next) => {
    try {
      const made = await store.list();
      const used = await store.lastUsed([...configured.map((k) => k.name), ...made.map((k) => k.name)]);
      res.json({ items: [...configured.map((k) => configuredView(k, used.get(k.name))), ...made.map((k) => view(k, used.get(k.name)))] });
    } catch (err) { next(err); }
  });

  router.get('/v1/api-keys/:id', manage, async (req, res, next) => {
    try {
      const id = pathParam(req, 'id', apiKeyId);
      const k = await store.get(id);
      if (!k) throw new ApiError(404, 'not_found', `no API key ${id} (never made, revoked or expired)`, 'id');
      res.json(view(k, (await store.lastUsed([k.name])).get(k.name)));
    } catch (err) { next(err); }
  });

  router.delete('/v1/api-keys/:id', manage, async (req, res, next) => {
    try {
      const id = pathParam(req, 'id', apiKeyId);
      if (!(await store.revoke(id))) throw new ApiError(404, 'not_found', `no API key ${id} (never made, revoked or expired)`, 'id');
      gate.forget?.(id);
      log.info('api key revoked', { keyId: id, ...logContext(res) });
      res.status(204).end();
    } catch (err) { next(err); }
  });

  return router;
}
