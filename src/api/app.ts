import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { httpMetrics } from './http-metrics.js';
import { noteForAccessLog, requestContext } from './request-context.js';
import type { PublishService } from '../bus/publish-service.js';
import type { Logger } from '../log.js';
import type { DeviceRegistry } from '../cluster/device-registry.js';
import { requireScope, type ApiGate } from './api-keys.js';
import { deviceRoutes } from './devices.js';
import { clusterRoutes } from './cluster.js';
import { dashboard } from './dashboard/dashboard.js';
import type { ClusterView } from './cluster-view.js';
import type { EdgeAssigner } from '../cluster/edge-assignment.js';
import type { ControlMessage } from '../bus/control.js';
import { pushRoutes } from './pushes.js';
import { apiKeyRoutes } from './api-key-routes.js';
import type { ApiKeyStore } from '../cluster/api-key-store.js';
import type { ApiKey } from '../api-keys-setting.js';
import { openApiDocument } from './openapi.js';
import { apiReference } from './reference.js';
import type { PushService } from '../push/push-service.js';
import type { IdempotencyStore } from '../cluster/idempotency-store.js';
import type { PushStatusStore } from '../cluster/push-status-store.js';
import { errorHandler, fromZod } from './error-answers.js';
import { decodePayload, publishBody } from './schemas.js';
import { ApiError, PayloadDecodeError } from '../errors.js';
import type { Rebalancer } from '../cluster/rebalancer.js';

export interface ApiDeps {
  publisher: PublishService;
  devices: DeviceRegistry;
  pushes: PushService;
  status: PushStatusStore;
  idempotency: IdempotencyStore;
  gate: ApiGate & { forget?: (id: string) => void };
  /** Keys made over the API. */
  apiKeys: ApiKeyStore;
  /** API_KEYS, listed by GET /v1/api-keys. */
  configuredKeys: ApiKey[];
  revoke: (deviceId: string) => Promise<void>;
  /** Edges, clients and sessions as Redis knows them. */
  cluster: ClusterView;
  assigner: EdgeAssigner;
  /** Sends a control message to every edge. */
  control: (message: ControlMessage) => Promise<void>;
  rebalancer: Rebalancer;
  /** Resolves when RocketMQ and Redis both answer; rejects with the reason otherwise. */
  checkReady: () => Promise<void>;
  maxBodyBytes: number;
  maxPayloadBytes: number;
  log: Logger;
  /** Served on GET /metrics (no API key: scrape it from inside the network, as the edges' ports). */
  metrics?: Registry;
}

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext(deps.log));
  const metrics = deps.metrics;
  if (metrics) {
    app.use(httpMetrics(metrics));
    app.get('/metrics', async (_req, res, next) => {
      try {
        res.type(metrics.contentType).send(await metrics.metrics());
      } catch (err) {
        next(err);
      }
    });
  }
  app.use(express.json({ limit: deps.maxBodyBytes, strict: true, type: () => true }));

  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });

  app.get('/readyz', async (_req, res) => {
    try {
      await deps.checkReady();
      res.json({ status: 'ready' });
    } catch (err) {
      res.status(503).json({ status: 'not_ready', reason: String(err instanceof Error ? err.message : err) });
    }
  });

  app.use('/dashboard', dashboard());
  app.use(deviceRoutes({ devices: deps.devices, gate: deps.gate, revoke: deps.revoke, log: deps.log }));
  app.use(clusterRoutes({ view: deps.cluster, assigner: deps.assigner, control: deps.control, rebalancer: deps.rebalancer, gate: deps.gate, disconnect: deps.revoke, log: deps.log }));
  app.use(pushRoutes({ pushes: deps.pushes, status: deps.status, idempotency: deps.idempotency, gate: deps.gate, maxPayloadBytes: deps.maxPayloadBytes, log: deps.log }));

  app.use(apiKeyRoutes({ store: deps.apiKeys, configured: deps.configuredKeys, gate: deps.gate, log: deps.log }));

  const document = openApiDocument();
  app.get('/v1/openapi.json', (_req, res) => { res.json(document); });
  app.use(apiReference(document));

  app.post('/v1/publish', requireScope(deps.gate, 'publish'), async (req, res, next) => {
    try {
      if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
        throw new ApiError(400, 'invalid_request', 'request body must be a JSON object');
      }
      const parsed = publishBody.safeParse(req.body);
      if (!parsed.success) throw fromZod(parsed.error);
      let payload: Buffer;
      try {
        payload = decodePayload(parsed.data);
      } catch (err) {
        if (err instanceof PayloadDecodeError) throw new ApiError(400, 'invalid_request', err.message, 'payload');
        throw err;
      }
      if (payload.length > deps.maxPayloadBytes) {
        throw new ApiError(413, 'payload_too_large', `payload of ${payload.length} bytes exceeds the limit of ${deps.maxPayloadBytes}`, 'payload');
      }
      const { topic, qos, retain, ttl } = parsed.data;
      const message = await deps.publisher.publish({ topic, payload, qos, retain, clientId: '', ...(ttl ? { ttlMs: ttl * 1000 } : {}) });
      // The request's access-log line says what was published (one line per publish, not two).
      noteForAccessLog(res, { messageId: message.id, topic, qos, retain, bytes: payload.length });
      res.status(202).json({
        id: message.id, topic, qos, retain, publishedAt: new Date(message.publishedAt).toISOString(),
        expiresAt: message.expiresAt ? new Date(message.expiresAt).toISOString() : null,
      });
    } catch (err) {
      next(err);
    }
  });

  app.use((_req, _res, next) => next(new ApiError(404, 'not_found', 'no such route')));
  app.use(errorHandler(deps.log));
  return app;
}
