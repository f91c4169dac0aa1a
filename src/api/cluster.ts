import { Router, type Request } from 'express';
import type { ClusterView } from '../cluster/cluster-view.js';
import type { Logger } from '../log.js';
import { requireScope, type ApiGate } from './api-keys.js';
import { ApiError } from './errors.js';
import { clientIdParam } from './schemas.js';

export interface ClusterRoutesDeps {
  view: ClusterView;
  gate: ApiGate;
  /** Closes the client's live connection, on whatever edge it is (a control message to every edge). */
  disconnect: (clientId: string) => Promise<void>;
  log: Logger;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function clientId(req: Request): string {
  const parsed = clientIdParam.safeParse(req.params.id);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', `id: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 'id');
  return parsed.data;
}

/** Cluster introspection for operators: /v1/edges, /v1/clients/{id}, /v1/sessions/{id}. */
export function clusterRoutes(deps: ClusterRoutesDeps): Router {
  const { view, gate, log } = deps;
  const router = Router();
  const read = requireScope(gate, 'devices.read');
  const write = requireScope(gate, 'devices.write');

  router.get('/v1/edges', read, async (_req, res, next) => {
    try {
      const edges = await view.edges();
      res.json({ items: edges.map((e) => ({ ...e, startedAt: iso(e.startedAt), lastSeenAt: iso(e.lastSeenAt) })) });
    } catch (err) { next(err); }
  });

  router.get('/v1/clients/:id', read, async (req, res, next) => {
    try {
      const id = clientId(req);
      const client = await view.client(id);
      if (!client) throw new ApiError(404, 'not_found', `client ${id} is not connected and has no persistent session`, 'id');
      res.json({ ...client, connectedSince: iso(client.connectedSince) });
    } catch (err) { next(err); }
  });

  router.delete('/v1/clients/:id', write, async (req, res, next) => {
    try {
      const id = clientId(req);
      const client = await view.client(id);
      if (!client?.connected || !client.edgeId) throw new ApiError(404, 'not_found', `client ${id} is not connected`, 'id');
      await deps.disconnect(id);
      log.info('client disconnect requested', { clientId: id, edgeId: client.edgeId, apiKey: res.locals.apiKey as string });
      res.status(202).json({ clientId: id, edgeId: client.edgeId, disconnect: 'requested' });
    } catch (err) { next(err); }
  });

  router.get('/v1/sessions/:id', read, async (req, res, next) => {
    try {
      const id = clientId(req);
      const session = await view.session(id);
      if (!session) throw new ApiError(404, 'not_found', `client ${id} has no persistent session`, 'id');
      res.json({ ...session, oldestPendingAt: iso(session.oldestPendingAt) });
    } catch (err) { next(err); }
  });

  return router;
}
