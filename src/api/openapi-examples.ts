/**
 * One example per operation for the OpenAPI document (by operationId): the request body when the
 * operation takes one, and its success answer. test/unit/openapi.test.ts validates every example
 * against its schema, so an example cannot drift from what the API takes and answers.
 */

const at = '2026-12-03T09:30:00.000Z';
const later = '2026-12-04T09:30:00.000Z';
const pushId = '9b2f6a3e-5c1d-4f7a-8e21-3b6d0c9f4a17';
const device = { id: 'phone-1', user: 'alice', tags: ['beta', 'eu'], createdAt: at, updatedAt: at };
const addresses = { mqtt: 'mqtt://edge-1.push.example.com:1883', mqtts: 'mqtts://edge-1.push.example.com:8883', ws: 'ws://edge-1.push.example.com:8083/mqtt' };
const counts = { targeted: 2, pending: 0, sent: 0, acknowledged: 2, expired: 0, cancelled: 0, replaced: 0 };
const summary = { id: pushId, state: 'accepted', target: 'user', qos: 1, acceptedAt: at, deliverAt: at, expiresAt: later, collapseKey: null, counts };
const pushed = { id: pushId, target: 'user', targeted: 2, unknownDevices: [], acceptedAt: at, deliverAt: at, expiresAt: later, replaced: 0 };
const apiKey = {
  id: '3f9c2a7b1e4d8c05', name: 'billing', source: 'api', scopes: ['push'], rate: 50, createdAt: at, expiresAt: null, lastUsedAt: null,
};
const edge = {
  id: 'edge-1', mqttPort: 1883, pid: 4711, startedAt: at, lastSeenAt: at, alive: true, connections: 10234,
  load: {
    state: 'ready', connections: 10234, capacity: 100000, messagesPerSecond: 812.5, eventLoopLagMs: 3.1, cpu: 0.42, rssBytes: 412_000_000,
    addresses, reportedAt: at,
  },
  stats: { delivered: 1_204_331, connectedClients: 10234 },
};

export interface OperationExample {
  request?: unknown;
  response?: unknown;
}

export const EXAMPLES: Record<string, OperationExample> = {
  health: { response: { status: 'ok' } },
  ready: { response: { status: 'ready' } },
  openapi: {},
  publish: {
    request: { topic: 'news/today', payload: 'hello', qos: 1, ttl: 3600 },
    response: { id: '1f0c7b52-8a14-4d0e-9f1e-6a2b7c3d4e5f', topic: 'news/today', qos: 1, retain: false, publishedAt: at, expiresAt: '2026-12-03T10:30:00.000Z' },
  },
  registerDevice: { request: { id: 'phone-1', user: 'alice', tags: ['beta', 'eu'] }, response: { ...device, secret: 'dXs7Qm0yY2p6bG9hZ2k5N3Fw' } },
  listDevices: { response: { items: [device], next: null } },
  getDevice: { response: device },
  updateDevice: { request: { tags: ['beta', 'eu', 'ios'] }, response: { ...device, tags: ['beta', 'eu', 'ios'] } },
  deleteDevice: {},
  rotateDeviceSecret: { response: { id: 'phone-1', secret: 'b3JtN2w5cXd6eDFjdmJubTQ' } },
  listEdges: { response: { items: [edge] } },
  assignEdge: { response: { edgeId: 'edge-1', addresses, reason: 'least_loaded' } },
  drainEdge: { response: { edgeId: 'edge-3', drain: 'requested', connections: 8120 } },
  rebalanceEdges: { response: { shed: [{ edgeId: 'edge-1', count: 1500 }] } },
  getAutoscaler: {
    response: {
      at, driver: 'kubernetes', current: 3, desired: 4, reason: 'forecast 31,200 connections in 60 s; 3 edges hold 24,000 at the target',
      forecast: { connections: 31200, messagesPerSecond: 2400 }, load: { connections: 22800, messagesPerSecond: 1900, eventLoopLagMs: 4.2 },
    },
  },
  getClient: {
    response: {
      clientId: 'phone-1', connected: true, edgeId: 'edge-1', connectedSince: at, persistentSession: true,
      subscriptions: [{ topic: 'devices/phone-1', qos: 1 }, { topic: 'users/alice', qos: 1 }], queueDepth: 0,
    },
  },
  disconnectClient: { response: { clientId: 'phone-1', edgeId: 'edge-1', disconnect: 'requested' } },
  getSession: {
    response: {
      clientId: 'phone-1', connected: false, edgeId: null, subscriptions: [{ topic: 'devices/phone-1', qos: 1 }], queueDepth: 3, oldestPendingAt: at,
    },
  },
  createPush: {
    request: { target: { user: 'alice' }, payload: { title: 'Your order shipped', orderId: 4711 }, format: 'json', qos: 1, ttl: 86400, collapseKey: 'order-4711', envelope: true },
    response: pushed,
  },
  createPushBatch: {
    request: { pushes: [{ target: { devices: ['phone-1'] }, payload: 'hi', format: 'text' }, { target: { tags: 'beta AND NOT churned' }, payload: { v: 2 } }] },
    response: {
      results: [
        { status: 202, ...pushed, target: 'devices', targeted: 1 },
        { status: 404, error: { code: 'unknown_devices', message: 'none of the 1 device ids is registered', field: 'target.devices' } },
      ],
    },
  },
  listPushes: { response: { items: [summary] } },
  getPush: { response: { ...summary, devices: { items: [{ deviceId: 'phone-1', state: 'acked' }, { deviceId: 'tablet-1', state: 'acked' }], next: null } } },
  cancelPush: { response: { id: pushId, state: 'cancelled', cancelled: 2 } },
  createApiKey: {
    request: { name: 'billing', scopes: ['push'], rate: 50, ttl: 7_776_000 },
    response: { ...apiKey, expiresAt: '2027-03-03T09:30:00.000Z', key: 'rpk_3f9c2a7b1e4d8c05_Wm9vN2Z4cTJrc3Z0YjBuZXBhcnQtc2l4dHktZm91cg' },
  },
  listApiKeys: {
    response: {
      items: [
        { id: null, name: 'admin', source: 'config', scopes: ['publish', 'push', 'devices.read', 'devices.write', 'cluster.write', 'keys.manage'], rate: null, createdAt: null, expiresAt: null, lastUsedAt: at },
        apiKey,
      ],
    },
  },
  getApiKey: { response: apiKey },
  revokeApiKey: {},
};
