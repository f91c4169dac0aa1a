import { Router, type Request } from 'express';
import type { Device, DeviceRegistry } from '../cluster/device-registry.js';
import type { Logger } from '../log.js';
import { requireScope, type ApiGate } from './api-keys.js';
import { logContext } from './request-context.js';
import { fromZod } from './error-answers.js';
import { pathParam } from './params.js';
import { deviceId, listDevicesQuery, registerDeviceBody, updateDeviceBody } from './schemas.js';
import { ApiError } from '../errors.js';

export interface DeviceRoutesDeps {
  devices: DeviceRegistry;
  gate: ApiGate;
  /** Closes the device's live connection on every edge (deleted device, rotated secret). */
  revoke: (deviceId: string) => Promise<void>;
  log: Logger;
}

function view(d: Device) {
  return { id: d.id, user: d.user, tags: d.tags, createdAt: new Date(d.createdAt).toISOString(), updatedAt: new Date(d.updatedAt).toISOString() };
}

function idParam(req: Request): string {
  return pathParam(req, 'id', deviceId);
}

function body(req: Request): unknown {
  if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    throw new ApiError(400, 'invalid_request', 'request body must be a JSON object');
  }
  return req.body;
}

/** The device registry over REST: /v1/devices. */
export function deviceRoutes(deps: DeviceRoutesDeps): Router {
  const { devices, gate, log } = deps;
  const router = Router();
  const read = requireScope(gate, 'devices.read');
  const write = requireScope(gate, 'devices.write');

  router.post('/v1/devices', write, async (req, res, next) => {
    try {
      const parsed = registerDeviceBody.safeParse(body(req));
      if (!parsed.success) throw fromZod(parsed.error);
      const { id, user, tags } = parsed.data;
      const created = await devices.register(id, user, tags);
      if (!created) throw new ApiError(409, 'conflict', `device ${id} is already registered`, 'id');
      log.info('device registered', { deviceId: id, user, ...logContext(res) });
      // The secret is shown here once; only its hash is kept.
      res.status(201).json({ ...view(created.device), secret: created.secret });
    } catch (err) { next(err); }
  });

  router.get('/v1/devices', read, async (req, res, next) => {
    try {
      const parsed = listDevicesQuery.safeParse(req.query);
      if (!parsed.success) throw fromZod(parsed.error);
      const { user, tag, after, limit } = parsed.data;
      const page = await devices.list({ ...(user !== undefined ? { user } : {}), ...(tag !== undefined ? { tag } : {}) }, after ?? null, limit);
      res.json({ items: page.items.map(view), next: page.next });
    } catch (err) { next(err); }
  });

  router.get('/v1/devices/:id', read, async (req, res, next) => {
    try {
      const id = idParam(req);
      const device = await devices.get(id);
      if (!device) throw new ApiError(404, 'not_found', `no device ${id}`);
      res.json(view(device));
    } catch (err) { next(err); }
  });

  router.patch('/v1/devices/:id', write, async (req, res, next) => {
    try {
      const id = idParam(req);
      const parsed = updateDeviceBody.safeParse(body(req));
      if (!parsed.success) throw fromZod(parsed.error);
      const device = await devices.update(id, parsed.data);
      if (!device) throw new ApiError(404, 'not_found', `no device ${id}`);
      log.info('device updated', { deviceId: id, ...logContext(res) });
      res.json(view(device));
    } catch (err) { next(err); }
  });

  router.post('/v1/devices/:id/secret', write, async (req, res, next) => {
    try {
      const id = idParam(req);
      const secret = await devices.rotateSecret(id);
      if (!secret) throw new ApiError(404, 'not_found', `no device ${id}`);
      await deps.revoke(id);
      log.info('device secret rotated', { deviceId: id, ...logContext(res) });
      res.json({ id, secret });
    } catch (err) { next(err); }
  });

  router.delete('/v1/devices/:id', write, async (req, res, next) => {
    try {
      const id = idParam(req);
      if (!(await devices.remove(id))) throw new ApiError(404, 'not_found', `no device ${id}`);
      await deps.revoke(id);
      log.info('device deleted', { deviceId: id, ...logContext(res) });
      res.status(204).end();
    } catch (err) { next(err); }
  });

  return router;
}
