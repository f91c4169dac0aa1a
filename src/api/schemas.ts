import { z } from 'zod';
import { PayloadDecodeError } from '../errors.js';
import { SCOPES } from '../api-keys-setting.js';
import { isReservedTopic } from '../topics.js';

/** A topic a message is published to: no wildcards, not reserved. */
const publishTopic = z.string().min(1).max(1024)
  .refine((t) => !t.includes('+') && !t.includes('#'), 'wildcards + and # are not allowed in a publish topic')
  .refine((t) => !isReservedTopic(t), 'topics starting with $ are reserved')
  .refine((t) => !t.includes('\u0000'), 'topic must not contain NUL');

/** The body of POST /v1/publish, validated at the boundary. */
export const publishBody = z.object({
  topic: publishTopic,
  payload: z.string(),
  encoding: z.enum(['utf8', 'base64']).default('utf8'),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
  retain: z.boolean().default(false),
  /** Seconds the message stays deliverable; the server's MESSAGE_TTL_MS when absent. */
  ttl: z.number().int().min(1).max(30 * 24 * 3600).optional(),
}).strict();

export type PublishBody = z.infer<typeof publishBody>;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodePayload(body: PublishBody): Buffer {
  if (body.encoding === 'utf8') return Buffer.from(body.payload, 'utf8');
  if (!BASE64.test(body.payload)) throw new PayloadDecodeError('payload is not valid base64');
  return Buffer.from(body.payload, 'base64');
}

/**
 * A device id is its MQTT client id and appears in its topic (`devices/<id>`): no `/`, no
 * wildcards, no spaces. User aliases and tags follow the same rule.
 */
export const deviceId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/, 'letters, digits and _ . : @ - (1-128, starting with a letter or digit)');
const alias = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/, 'letters, digits and _ . : @ - (1-128, starting with a letter or digit)');
const tags = z.array(alias).max(32).transform((t) => [...new Set(t)].sort());

/** POST /v1/devices */
export const registerDeviceBody = z.object({
  id: deviceId,
  user: alias.nullable().default(null),
  tags: tags.default([]),
}).strict();

/** PATCH /v1/devices/{id}: only the given fields change; `user: null` removes the alias. */
export const updateDeviceBody = z.object({
  user: alias.nullable().optional(),
  tags: tags.optional(),
}).strict();

/** GET /v1/devices query: at most one of user and tag; paging by `after` (the last id seen). */
export const listDevicesQuery = z.object({
  user: alias.optional(),
  tag: alias.optional(),
  after: deviceId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).strict().refine((q) => !(q.user !== undefined && q.tag !== undefined), { message: 'give user or tag, not both', path: ['tag'] });

/** POST /v1/pushes (and each item of POST /v1/pushes:batch). */
export const pushBody = z.object({
  /** Exactly one of: devices (up to 1,000 ids), user, tags (an expression), topic, broadcast. */
  target: z.object({
    devices: z.array(deviceId).min(1).max(1000).optional(),
    user: alias.optional(),
    tags: z.string().min(1).max(2048).optional(),
    topic: publishTopic.optional(),
    broadcast: z.literal(true).optional(),
  }).strict().refine((t) => Object.keys(t).length === 1, 'give exactly one of devices, user, tags, topic, broadcast'),
  /** JSON (any value), text, or base64 bytes, as `format` says. */
  payload: z.unknown(),
  format: z.enum(['json', 'text', 'base64']).default('json'),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
  /** Seconds the push stays deliverable, counted from its delivery time. */
  ttl: z.number().int().min(1).max(30 * 24 * 3600).optional(),
  /** A newer push with the same key replaces this one on the devices it has not reached yet. */
  collapseKey: z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'letters, digits and _ . : @ - (1-128)').optional(),
  /** Delivery time (ISO 8601 with offset); or `delay` in seconds. At most the broker's limit ahead. */
  deliverAt: z.iso.datetime({ offset: true }).optional(),
  delay: z.number().int().min(1).optional(),
  /**
   * The device receives JSON {pushId, collapseKey, sentAt, expiresAt, format, data} instead of the
   * raw payload, to correlate and de-duplicate by pushId. Default: the raw payload.
   */
  envelope: z.boolean().default(false),
}).strict().refine((b) => b.deliverAt === undefined || b.delay === undefined, { message: 'give deliverAt or delay, not both', path: ['delay'] });

export type PushBody = z.infer<typeof pushBody>;

export const pushBatchBody = z.object({
  pushes: z.array(z.unknown()).min(1).max(500),
}).strict();

/** The bytes a push carries, or a message saying why the payload does not fit its format. */
export function pushPayload(body: PushBody): Buffer | string {
  if (body.payload === undefined) return 'payload is required';
  if (body.format === 'json') return Buffer.from(JSON.stringify(body.payload));
  if (typeof body.payload !== 'string') return `a ${body.format} payload must be a string`;
  if (body.format === 'text') return Buffer.from(body.payload, 'utf8');
  if (!BASE64.test(body.payload)) return 'payload is not valid base64';
  return Buffer.from(body.payload, 'base64');
}

// Answers. They are not parsed at runtime (the server writes them); they describe the API in
// GET /v1/openapi.json, and the stack tests check real answers against that document.
const isoTime = z.string().describe('ISO 8601 time');

export const errorAnswer = z.object({
  error: z.object({
    code: z.string().describe('stable, to act on (the message is for people)'),
    message: z.string(),
    field: z.string().optional().describe('the first problem\'s field, a dotted path'),
    problems: z.array(z.object({ field: z.string().optional(), message: z.string() }).strict()).optional()
      .describe('every problem found when the request was checked against its schema'),
    requestId: z.string().optional().describe('the answer\'s X-Request-Id: quote it when reporting a problem'),
  }).strict(),
}).strict();

export const publishAnswer = z.object({
  id: z.string(), topic: z.string(), qos: z.number().int(), retain: z.boolean(),
  publishedAt: isoTime, expiresAt: isoTime.nullable(),
}).strict();

export const deviceAnswer = z.object({
  id: z.string(), user: z.string().nullable(), tags: z.array(z.string()), createdAt: isoTime, updatedAt: isoTime,
}).strict();

export const deviceCreatedAnswer = deviceAnswer.extend({ secret: z.string().describe('shown only here') }).strict();

export const devicePageAnswer = z.object({ items: z.array(deviceAnswer), next: z.string().nullable() }).strict();

/** An MQTT client id as the API takes it in a path: any printable text up to 256 characters. */
export const clientIdParam = z.string().min(1).max(256).refine((id) => ![...id].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127), 'printable characters only');

const edgeAddresses = z.object({
  mqtt: z.string().describe('mqtt://host:port'),
  mqtts: z.string().nullable().describe('mqtts://host:port, null without a TLS listener'),
  ws: z.string().nullable().describe('ws://host:port/mqtt, null without a WebSocket listener'),
}).strict();

export const edgeLoadAnswer = z.object({
  state: z.enum(['ready', 'unready', 'draining']).describe('unready: failed its readiness checks'), connections: z.number().int(), capacity: z.number().int(),
  messagesPerSecond: z.number(), eventLoopLagMs: z.number().describe('p99 over the last report interval'),
  cpu: z.number().describe('cores busy over the last report interval'), rssBytes: z.number().int(),
  addresses: edgeAddresses, reportedAt: isoTime,
  shed: z.object({ requestedAt: isoTime, remaining: z.number().int() }).strict().optional()
    .describe('the newest rebalance shed asked of it, and the connections still to close'),
}).strict();

export const edgeAnswer = z.object({
  id: z.string(), mqttPort: z.number().int(), pid: z.number().int(), startedAt: isoTime, lastSeenAt: isoTime,
  alive: z.boolean().describe('seen within EDGE_LEASE_MS'), connections: z.number().int(),
  load: edgeLoadAnswer.nullable().describe('its last load report (every EDGE_LOAD_REPORT_MS)'),
  stats: z.record(z.string(), z.number()).describe('the counters of its last heartbeat'),
}).strict();

export const edgeListAnswer = z.object({ items: z.array(edgeAnswer) }).strict();

export const edgeIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,48}$/, 'an edge id: letters, digits, _ and - (1-48)');

export const drainAnswer = z.object({
  edgeId: z.string(), drain: z.literal('requested'),
  connections: z.number().int().describe('its connections at its last report: they are closed paced, at EDGE_DRAIN_RATE'),
}).strict();

export const rebalanceAnswer = z.object({
  shed: z.array(z.object({ edgeId: z.string(), count: z.number().int().describe('connections it closes (paced, without wills)') }).strict()),
}).strict();

export const autoscalerAnswer = z.object({
  at: isoTime, driver: z.string(), current: z.number().int().describe('edges taking devices or starting'),
  desired: z.number().int(), reason: z.string(),
  forecast: z.object({ connections: z.number(), messagesPerSecond: z.number() }).strict().nullable()
    .describe('highest load expected within the lead time; null before a day of history'),
  load: z.object({ connections: z.number(), messagesPerSecond: z.number(), eventLoopLagMs: z.number() }).strict(),
}).strict();

export const assignQuery = z.object({ device: clientIdParam.optional() }).strict();

export const assignmentAnswer = z.object({
  edgeId: z.string(), addresses: edgeAddresses,
  reason: z.enum(['least_loaded', 'current_edge']).describe('current_edge: the device is connected there now'),
}).strict();

export const clientAnswer = z.object({
  clientId: z.string(), connected: z.boolean(), edgeId: z.string().nullable(), connectedSince: isoTime.nullable(),
  persistentSession: z.boolean(),
  subscriptions: z.array(z.object({ topic: z.string(), qos: z.number().int() }).strict()).nullable()
    .describe('from its edge while connected, from the stored session when offline; null when its edge did not answer'),
  queueDepth: z.number().int().nullable().describe('persistent session: messages queued and not acknowledged; null for a clean session'),
}).strict();

export const clientDisconnectAnswer = z.object({ clientId: z.string(), edgeId: z.string(), disconnect: z.literal('requested') }).strict();

export const sessionAnswer = z.object({
  clientId: z.string(), connected: z.boolean(), edgeId: z.string().nullable(),
  subscriptions: z.array(z.object({ topic: z.string(), qos: z.number().int() }).strict()),
  queueDepth: z.number().int().describe('messages queued and not acknowledged by the device'),
  oldestPendingAt: isoTime.nullable().describe('when the oldest of them was published'),
}).strict();

export const secretAnswer = z.object({ id: z.string(), secret: z.string() }).strict();

export const pushAnswer = z.object({
  id: z.string(),
  target: z.enum(['devices', 'user', 'tags', 'topic', 'broadcast']),
  targeted: z.number().int().nullable().describe('devices sent to; null for topic and broadcast'),
  unknownDevices: z.array(z.string()),
  acceptedAt: isoTime,
  deliverAt: isoTime.describe('equal to acceptedAt unless delayed'),
  expiresAt: isoTime.nullable(),
  replaced: z.number().int().describe('devices on which this push replaced an older one with its collapse key'),
}).strict();

/** GET /v1/pushes/{id} query: paging of the per-device list by `after` (the last device id seen). */
export const pushStatusQuery = z.object({
  after: deviceId.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();

const deviceState = z.enum(['pending', 'sent', 'acked', 'expired', 'cancelled', 'replaced']);

const pushSummaryFields = {
  id: z.string(),
  state: z.enum(['scheduled', 'accepted', 'cancelled']),
  target: z.enum(['devices', 'user', 'tags', 'topic', 'broadcast']),
  qos: z.number().int(),
  acceptedAt: isoTime,
  deliverAt: isoTime,
  expiresAt: isoTime.nullable(),
  collapseKey: z.string().nullable(),
  counts: z.object({
    targeted: z.number().int().nullable().describe('null for topic and broadcast targets'),
    pending: z.number().int().describe('not written to the device yet'),
    sent: z.number().int().describe('written to the device, not acknowledged (final for QoS 0)'),
    acknowledged: z.number().int(),
    expired: z.number().int(),
    cancelled: z.number().int(),
    replaced: z.number().int().describe('replaced by a newer push with the same collapse key'),
  }).strict(),
};

export const pushStatusAnswer = z.object({
  ...pushSummaryFields,
  devices: z.object({
    items: z.array(z.object({ deviceId: z.string(), state: deviceState }).strict()),
    next: z.string().nullable().describe('pass as `after` for the next page'),
  }).strict(),
}).strict();

export const recentPushesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }).strict();

export const recentPushesAnswer = z.object({ items: z.array(z.object(pushSummaryFields).strict()) }).strict();

export const pushCancelAnswer = z.object({
  id: z.string(),
  state: z.literal('cancelled'),
  cancelled: z.number().int().describe('devices the push will not be delivered to any more'),
}).strict();

export const pushBatchAnswer = z.object({
  results: z.array(z.union([
    pushAnswer.extend({ status: z.literal(202) }).strict(),
    errorAnswer.extend({ status: z.number().int() }).strict(),
  ])),
}).strict();

// ---- API keys (/v1/api-keys) ----

const scopeName = z.enum([...SCOPES, '*']);
export const apiKeyId = z.string().regex(/^[0-9a-f]{16}$/, '16 hex digits');

/** POST /v1/api-keys. `ttl` (seconds) or `expiresAt`; neither: the key does not expire. */
export const createApiKeyBody = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1-64)'),
  scopes: z.array(scopeName).min(1).max(SCOPES.length + 1).describe('what the key may do; `*` for every scope'),
  rate: z.number().int().min(1).max(1_000_000).optional().describe('requests per second; the API default (API_RATE_LIMIT) when absent'),
  ttl: z.number().int().min(60).max(10 * 365 * 24 * 3600).optional().describe('seconds until the key expires'),
  expiresAt: z.iso.datetime({ offset: true }).optional().describe('when the key expires'),
}).strict().refine((b) => b.ttl === undefined || b.expiresAt === undefined, { message: 'give ttl or expiresAt, not both', path: ['expiresAt'] });

export const apiKeyAnswer = z.object({
  id: z.string().nullable().describe('null for a key of API_KEYS'),
  name: z.string(),
  source: z.enum(['api', 'config']).describe('made over the API, or from API_KEYS (change those there)'),
  scopes: z.array(z.string()),
  rate: z.number().int().nullable().describe('requests per second; null: the API default'),
  createdAt: isoTime.nullable(),
  expiresAt: isoTime.nullable(),
  lastUsedAt: isoTime.nullable().describe('to the minute'),
}).strict();

export const apiKeyCreatedAnswer = apiKeyAnswer.extend({ key: z.string().describe('the key: shown only here') }).strict();
export const apiKeyListAnswer = z.object({ items: z.array(apiKeyAnswer) }).strict();
