import { Router, type Request } from 'express';
import type { ClusterView } from './cluster-view.js';
import type { EdgeAssigner } from '../cluster/edge-assignment.js';
import type { EdgeLoad } from '../cluster/edge-load.js';
import type { Rebalancer } from '../cluster/rebalancer.js';
import type { ControlMessage } from '../bus/control.js';
import type { Logger } from '../log.js';
import { requireScope, type ApiGate } from './api-keys.js';
import { logContext } from './request-context.js';
import { fromZod } from './error-answers.js';
import { pathParam } from './params.js';
import { assignQuery, clientIdParam, edgeIdParam } from './schemas.js';
import { ApiError } from '../errors.js';

export interface ClusterRoutesDeps {
  view: ClusterView;
  assigner: EdgeAssigner;
  gate: ApiGate;
  /** Closes the client's live connection, on whatever edge it is (a control message to every edge). */
  disconnect: (clientId: string) => Promise<void>;
  /** Sends a control message to the edges (drain). */
  control: (message: ControlMessage) => Promise<void>;
  rebalancer: Rebalancer;
  log: Logger;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A load report as the API shows it under its edge (the edge id is the edge's own). */
function loadAnswer(load: EdgeLoad): Omit<EdgeLoad, 'edgeId' | 'reportedAt' | 'shed'> & { reportedAt: string | null; shed?: { requestedAt: string | null; remaining: number } } {
  const { edgeId: _edgeId, shed, ...rest } = load;
  return { ...rest, reportedAt: iso(load.reportedAt), ...(shed ? { shed: { requestedAt: iso(shed.requestedAt), remaining: shed.remaining } } : {}) };
}

function clientId(req: Request): string {
  return pathParam(req, 'id', clientIdParam);
}

/**
 * Cluster introspection for operators (/v1/edges, /v1/clients/{id}, /v1/sessions/{id}) and
 * assignment for devices (/v1/edges/assign).
 */
export function clusterRoutes(deps: ClusterRoutesDeps): Router {
  const { view, gate, log } = deps;
  const router = Router();
  const read = requireScope(gate, 'devices.read');
  const write = requireScope(gate, 'devices.write');
  const operate = requireScope(gate, 'cluster.write');

  // Asked by devices before they connect, which hold no API key: the answer is only an address
  // devices are given anyway, and comes from memory (reports are read at most four times a second).
  router.get('/v1/edges/assign', async (req, res, next) => {
    try {
      const query = assignQuery.safeParse(req.query);
      if (!query.success) throw fromZod(query.error);
      const assignment = await deps.assigner.assign(query.data.device);
      if (!assignment) {
        res.setHeader('Retry-After', '5');
        throw new ApiError(503, 'no_edge_available', 'no edge is ready with room for another device; try again shortly');
      }
      res.json(assignment);
    } catch (err) { next(err); }
  });

  router.get('/v1/edges', read, async (_req, res, next) => {
    try {
      const edges = await view.edges();
      res.json({
        items: edges.map((e) => ({
          ...e, startedAt: iso(e.startedAt), lastSeenAt: iso(e.lastSeenAt),
          load: e.load && loadAnswer(e.load),
        })),
      });
    } catch (err) { next(err); }
  });

  router.post('/v1/edges/rebalance', operate, async (_req, res, next) => {
    try {
      const plan = await deps.rebalancer.rebalance();
      log.info('rebalance requested', { plan: JSON.stringify(plan), ...logContext(res) });
      res.status(202).json({ shed: plan });
    } catch (err) { next(err); }
  });

  router.post('/v1/edges/:id/drain', operate, async (req, res, next) => {
    try {
      const id = pathParam(req, 'id', edgeIdParam);
      const edge = (await view.edges()).find((e) => e.id === id && e.alive);
      if (!edge) throw new ApiError(404, 'not_found', `edge ${id} is not running`, 'id');
      await deps.control({ kind: 'drain', edgeId: id, requestedAt: Date.now() });
      deps.rebalancer.afterDrain(id);
      log.info('edge drain requested', { edgeId: id, connections: edge.connections, ...logContext(res) });
      res.status(202).json({ edgeId: id, drain: 'requested', connections: edge.connections });
    } catch (err) { next(err); }
  });

  router.get('/v1/autoscaler', read, async (_req, res, next) => {
    try {
      const status = await view.autoscaler();
      if (!status) throw new ApiError(404, 'not_found', 'no autoscaler has run (AUTOSCALE_ENABLED=1 starts one)');
      res.json({ ...status, at: iso(status.at) });
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
      log.info('client disconnect requested', { clientId: id, edgeId: client.edgeId, ...logContext(res) });
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
