import { Router, type Request, type Response } from 'express';
import type { IdempotencyStore } from '../cluster/idempotency-store.js';
import type { Logger } from '../log.js';
import { type PushService, type PushTarget } from '../push/push-service.js';
import type { PushStatus, PushStatusStore } from '../cluster/push-status-store.js';
import { parseTagExpression } from '../push/tag-expression.js';
import { requireScope, type ApiGate } from './api-keys.js';
import { fromZod, type ApiErrorBody } from './error-answers.js';
import { logContext, requestIdOf } from './request-context.js';
import { pushBatchBody, pushBody, pushPayload, pushStatusQuery, recentPushesQuery, type PushBody } from './schemas.js';
import { ApiError, httpAnswerOf, NoTargetError, PushRequestError, PushTooLargeError, TagExpressionError, type Problem } from '../errors.js';

export interface PushRoutesDeps {
  pushes: PushService;
  status: PushStatusStore;
  idempotency: IdempotencyStore;
  gate: ApiGate;
  maxPayloadBytes: number;
  log: Logger;
}

interface Answer { status: number; body: unknown }

function error(status: number, code: string, message: string, field?: string, problems?: Problem[]): Answer {
  const body: ApiErrorBody = { error: { code, message, ...(field ? { field } : {}), ...(problems ? { problems } : {}) } };
  return { status, body };
}

/**
 * Sends an answer; an error answer gets this request's id in its body. Answers are kept for
 * Idempotency-Key replays without it: a replay is another request, with an id of its own.
 */
function send(res: Response, a: Answer): void {
  const body = a.body as Partial<ApiErrorBody>;
  const requestId = requestIdOf(res);
  res.status(a.status).json(a.status >= 400 && body.error && requestId ? { error: { ...body.error, requestId } } : a.body);
}

function target(t: PushBody['target']): PushTarget | Answer {
  if (t.devices) return { kind: 'devices', ids: t.devices };
  if (t.user !== undefined) return { kind: 'user', user: t.user };
  if (t.topic !== undefined) return { kind: 'topic', topic: t.topic };
  if (t.broadcast) return { kind: 'broadcast' };
  try {
    return { kind: 'tags', expression: parseTagExpression(t.tags ?? '') };
  } catch (err) {
    const a = err instanceof TagExpressionError ? httpAnswerOf(err) : null;
    if (a) return error(a.status, a.code, a.message, a.field);
    throw err;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A push's status without its per-device page, as GET /v1/pushes/{id} and GET /v1/pushes show it. */
function pushSummary(id: string, found: PushStatus): object {
  const { meta, counts } = found;
  return {
    id, state: found.state, target: meta.target, qos: meta.qos,
    acceptedAt: iso(meta.acceptedAt), deliverAt: iso(meta.deliverAt),
    expiresAt: meta.expiresAt ? iso(meta.expiresAt) : null, collapseKey: meta.collapseKey,
    counts: {
      targeted: meta.targeted, pending: counts.pending, sent: counts.sent, acknowledged: counts.acked,
      expired: counts.expired, cancelled: counts.cancelled, replaced: counts.replaced,
    },
  };
}

/** POST /v1/pushes, POST /v1/pushes:batch, GET and DELETE /v1/pushes/{id}. */
export function pushRoutes(deps: PushRoutesDeps): Router {
  const { pushes, status, idempotency, gate, log } = deps;
  const router = Router();
  const scope = requireScope(gate, 'push');

  /** One push, answered in the API's shapes; only failures of the servers themselves throw. */
  const one = async (raw: unknown, context: ReturnType<typeof logContext>): Promise<Answer> => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return error(400, 'invalid_request', 'a push must be a JSON object');
    const parsed = pushBody.safeParse(raw);
    if (!parsed.success) {
      const e = fromZod(parsed.error);
      return error(400, e.answerCode, e.message, e.field, e.problems);
    }
    const payload = pushPayload(parsed.data);
    if (typeof payload === 'string') return error(400, 'invalid_request', payload, 'payload');
    if (payload.length > deps.maxPayloadBytes) {
      return error(413, 'payload_too_large', `payload of ${payload.length} bytes exceeds the limit of ${deps.maxPayloadBytes}`, 'payload');
    }
    const resolved = target(parsed.data.target);
    if ('status' in resolved) return resolved;
    const { qos, ttl, collapseKey, deliverAt, delay, envelope, format } = parsed.data;
    const at = deliverAt !== undefined ? Date.parse(deliverAt) : delay !== undefined ? Date.now() + delay * 1000 : undefined;
    try {
      const result = await pushes.push({
        target: resolved, payload, qos,
        // The data as the caller gave it (a base64 payload stays base64 text in the JSON).
        ...(envelope ? { envelope: { format, data: parsed.data.payload } } : {}),
        ...(ttl ? { ttlMs: ttl * 1000 } : {}),
        ...(collapseKey !== undefined ? { collapseKey } : {}),
        ...(at !== undefined ? { deliverAt: at } : {}),
      });
      log.info('push accepted', {
        pushId: result.id, target: resolved.kind, targeted: result.targeted, qos, bytes: payload.length, ...context,
        ...(result.deliverAt > result.acceptedAt ? { deliverAt: iso(result.deliverAt) } : {}),
      });
      return {
        status: 202,
        body: {
          id: result.id, target: resolved.kind, targeted: result.targeted, unknownDevices: result.unknownDevices,
          acceptedAt: iso(result.acceptedAt), deliverAt: iso(result.deliverAt),
          expiresAt: result.expiresAt ? iso(result.expiresAt) : null, replaced: result.replaced,
        },
      };
    } catch (err) {
      const a = err instanceof NoTargetError || err instanceof PushRequestError || err instanceof PushTooLargeError ? httpAnswerOf(err) : null;
      if (!a) throw err;
      // The request named the delivery time as a delay: the answer names that field.
      const field = a.field === 'deliverAt' && delay !== undefined ? 'delay' : a.field;
      return error(a.status, a.code, a.message, field);
    }
  };

  /** Runs `work` at most once per Idempotency-Key and API key within 24 h; repeats get its answer. */
  const once = async (req: Request, res: Response, work: () => Promise<Answer>): Promise<void> => {
    const apiKey = res.locals.apiKey as string;
    const key = req.get('idempotency-key');
    if (key === undefined) {
      send(res, await work());
      return;
    }
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw new ApiError(400, 'invalid_request', 'Idempotency-Key must be 1-255 printable characters', 'Idempotency-Key');
    const state = await idempotency.begin(apiKey, key, req.body);
    if (state.state === 'mismatch') throw new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was used with a different request', 'Idempotency-Key');
    if (state.state === 'pending') throw new ApiError(409, 'idempotency_in_progress', 'a request with this Idempotency-Key is still running', 'Idempotency-Key');
    if (state.state === 'done') {
      send(res.set('Idempotent-Replayed', 'true'), { status: state.status, body: state.body });
      return;
    }
    let a: Answer;
    try {
      a = await work();
    } catch (err) {
      await idempotency.abandon(apiKey, key).catch(() => undefined);
      throw err;
    }
    await idempotency.finish(apiKey, key, req.body, a.status, a.body);
    send(res, a);
  };

  router.post('/v1/pushes', scope, async (req, res, next) => {
    try {
      await once(req, res, () => one(req.body, logContext(res)));
    } catch (err) { next(err); }
  });

  // A colon is a parameter in express paths, hence the regular expression.
  router.post(/^\/v1\/pushes:batch$/, scope, async (req, res, next) => {
    try {
      const parsed = pushBatchBody.safeParse(req.body);
      if (!parsed.success) throw fromZod(parsed.error);
      await once(req, res, async () => {
        // Item by item: one item's failure does not stop the others.
        const results = await Promise.all(parsed.data.pushes.map((p) => one(p, logContext(res))
          .catch((err: unknown) => {
            log.error('push in batch failed', { error: String(err), ...logContext(res) });
            return error(503, 'unavailable', 'the push could not be made durable; retry it');
          })));
        return { status: 200, body: { results: results.map((r) => ({ status: r.status, ...(r.body as object) })) } };
      });
    } catch (err) { next(err); }
  });

  router.get('/v1/pushes/:id', scope, async (req, res, next) => {
    try {
      const query = pushStatusQuery.safeParse(req.query);
      if (!query.success) throw fromZod(query.error);
      const id = String(req.params.id);
      const found = await status.status(id);
      if (!found) throw new ApiError(404, 'not_found', `no push ${id} (or its status is past the retention time)`, 'id');
      const devices = await status.devices(id, query.data.after, query.data.limit);
      res.json({ ...pushSummary(id, found), devices });
    } catch (err) { next(err); }
  });

  router.get('/v1/pushes', scope, async (req, res, next) => {
    try {
      const query = recentPushesQuery.safeParse(req.query);
      if (!query.success) throw fromZod(query.error);
      const recent = await status.recent(query.data.limit);
      res.json({ items: recent.map((r) => pushSummary(r.id, r.status)) });
    } catch (err) { next(err); }
  });

  router.delete('/v1/pushes/:id', scope, async (req, res, next) => {
    try {
      const id = String(req.params.id);
      const cancelled = await status.cancel(id);
      if (cancelled === null) throw new ApiError(404, 'not_found', `no push ${id} (or its status is past the retention time)`, 'id');
      log.info('push cancelled', { pushId: id, devices: cancelled, ...logContext(res) });
      res.json({ id, state: 'cancelled', cancelled });
    } catch (err) { next(err); }
  });

  return router;
}
