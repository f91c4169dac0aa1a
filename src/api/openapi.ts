import { z, type ZodType } from 'zod';
import type { Scope } from '../api-keys-setting.js';
import {
  assignmentAnswer, assignQuery, autoscalerAnswer, drainAnswer, rebalanceAnswer, clientAnswer, clientDisconnectAnswer, edgeListAnswer, sessionAnswer,
  deviceAnswer, deviceCreatedAnswer, devicePageAnswer, errorAnswer, listDevicesQuery, publishAnswer, publishBody,
  recentPushesAnswer, recentPushesQuery, pushAnswer, pushBatchAnswer, pushBody, pushCancelAnswer, pushStatusAnswer, pushStatusQuery, registerDeviceBody, secretAnswer,
  updateDeviceBody, apiKeyAnswer, apiKeyCreatedAnswer, apiKeyListAnswer, createApiKeyBody,
} from './schemas.js';
import { EXAMPLES } from './openapi-examples.js';

type Method = 'get' | 'post' | 'patch' | 'delete';

export interface Operation {
  method: Method;
  /** operationId: the name clients generated from the document give the call. */
  id: string;
  tag: 'system' | 'publish' | 'devices' | 'edges' | 'clients' | 'pushes' | 'api-keys';
  /** OpenAPI path, `{id}` for parameters. */
  path: string;
  /** The express route as registered (a string with `:id`, or the regular expression used). */
  route: string | RegExp;
  summary: string;
  scope: Scope | null;
  body?: ZodType;
  query?: z.ZodObject;
  idempotent?: boolean;
  responses: Record<number, { description: string; schema?: ZodType }>;
}

const e = (description: string) => ({ description, schema: errorAnswer });
const guarded = { 401: e('no valid API key'), 403: e('the key lacks the scope'), 429: e('over the key\'s rate limit (Retry-After)') };

/** Every route of the API. A unit test checks it against the routes the app registers. */
export const operations: Operation[] = [
  { method: 'get', path: '/healthz', id: 'health', tag: 'system', route: '/healthz', summary: 'the process is up', scope: null, responses: { 200: { description: 'up' } } },
  { method: 'get', path: '/readyz', id: 'ready', tag: 'system', route: '/readyz', summary: 'Redis and RocketMQ answer', scope: null, responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } } },
  { method: 'get', path: '/v1/openapi.json', id: 'openapi', tag: 'system', route: '/v1/openapi.json', summary: 'this document', scope: null, responses: { 200: { description: 'OpenAPI 3.1' } } },
  {
    method: 'post', path: '/v1/publish', id: 'publish', tag: 'publish', route: '/v1/publish', summary: 'publish one message to a topic', scope: 'publish', body: publishBody,
    responses: { 202: { description: 'stored in RocketMQ', schema: publishAnswer }, 400: e('invalid body'), 413: e('payload too large'), ...guarded },
  },
  {
    method: 'post', path: '/v1/devices', id: 'registerDevice', tag: 'devices', route: '/v1/devices', summary: 'register a device', scope: 'devices.write', body: registerDeviceBody,
    responses: { 201: { description: 'registered; the secret is shown only here', schema: deviceCreatedAnswer }, 400: e('invalid body'), 409: e('id taken'), ...guarded },
  },
  {
    method: 'get', path: '/v1/devices', id: 'listDevices', tag: 'devices', route: '/v1/devices', summary: 'list devices, all or by user or tag, in id order', scope: 'devices.read', query: listDevicesQuery,
    responses: { 200: { description: 'one page', schema: devicePageAnswer }, 400: e('invalid query'), ...guarded },
  },
  {
    method: 'get', path: '/v1/devices/{id}', id: 'getDevice', tag: 'devices', route: '/v1/devices/:id', summary: 'one device', scope: 'devices.read',
    responses: { 200: { description: 'the device', schema: deviceAnswer }, 400: e('invalid id'), 404: e('no such device'), ...guarded },
  },
  {
    method: 'patch', path: '/v1/devices/{id}', id: 'updateDevice', tag: 'devices', route: '/v1/devices/:id', summary: 'change user alias or tags', scope: 'devices.write', body: updateDeviceBody,
    responses: { 200: { description: 'the device', schema: deviceAnswer }, 400: e('invalid body'), 404: e('no such device'), ...guarded },
  },
  {
    method: 'delete', path: '/v1/devices/{id}', id: 'deleteDevice', tag: 'devices', route: '/v1/devices/:id', summary: 'delete a device (its connection is closed)', scope: 'devices.write',
    responses: { 204: { description: 'deleted' }, 400: e('invalid id'), 404: e('no such device'), ...guarded },
  },
  {
    method: 'get', path: '/v1/edges', id: 'listEdges', tag: 'edges', route: '/v1/edges', summary: 'every edge with its last heartbeat (connections, counters)', scope: 'devices.read',
    responses: { 200: { description: 'the edges, by id', schema: edgeListAnswer }, ...guarded },
  },
  {
    method: 'get', path: '/v1/edges/assign', id: 'assignEdge', tag: 'edges', route: '/v1/edges/assign', summary: 'the edge a device should connect to: the least-loaded ready one (no API key needed)', scope: null, query: assignQuery,
    responses: {
      200: { description: 'its MQTT, TLS and WebSocket addresses', schema: assignmentAnswer }, 400: e('invalid device id'),
      503: e('no edge is ready with room (Retry-After)'),
    },
  },
  {
    method: 'post', path: '/v1/edges/{id}/drain', id: 'drainEdge', tag: 'edges', route: '/v1/edges/:id/drain', summary: 'drain an edge: not-ready at once, its devices closed paced without wills, then it exits', scope: 'cluster.write',
    responses: { 202: { description: 'the edge was told to drain', schema: drainAnswer }, 400: e('invalid id'), 404: e('no such edge running'), ...guarded },
  },
  {
    method: 'post', path: '/v1/edges/rebalance', id: 'rebalanceEdges', tag: 'edges', route: '/v1/edges/rebalance', summary: 'edges above their share of connections close the excess (paced, without wills); the devices come back through assignment', scope: 'cluster.write',
    responses: { 202: { description: 'what each edge was told to shed', schema: rebalanceAnswer }, ...guarded },
  },
  {
    method: 'get', path: '/v1/autoscaler', id: 'getAutoscaler', tag: 'edges', route: '/v1/autoscaler', summary: 'the autoscaler\'s last decision: current and desired edges, why, the forecast', scope: 'devices.read',
    responses: { 200: { description: 'its last decision', schema: autoscalerAnswer }, 404: e('no autoscaler has run'), ...guarded },
  },
  {
    method: 'get', path: '/v1/clients/{id}', id: 'getClient', tag: 'clients', route: '/v1/clients/:id', summary: 'where an MQTT client is connected, and whether it has a persistent session', scope: 'devices.read',
    responses: { 200: { description: 'the client', schema: clientAnswer }, 400: e('invalid id'), 404: e('not connected and no persistent session'), ...guarded },
  },
  {
    method: 'delete', path: '/v1/clients/{id}', id: 'disconnectClient', tag: 'clients', route: '/v1/clients/:id', summary: 'disconnect a client, on whatever edge it is', scope: 'devices.write',
    responses: { 202: { description: 'its edge was told to close the connection', schema: clientDisconnectAnswer }, 400: e('invalid id'), 404: e('not connected'), ...guarded },
  },
  {
    method: 'get', path: '/v1/sessions/{id}', id: 'getSession', tag: 'clients', route: '/v1/sessions/:id', summary: 'a persistent session: subscriptions, queue depth, oldest pending message', scope: 'devices.read',
    responses: { 200: { description: 'the session', schema: sessionAnswer }, 400: e('invalid id'), 404: e('no persistent session'), ...guarded },
  },
  {
    method: 'post', path: '/v1/devices/{id}/secret', id: 'rotateDeviceSecret', tag: 'devices', route: '/v1/devices/:id/secret', summary: 'a new secret (the old one stops working, the connection is closed)', scope: 'devices.write',
    responses: { 200: { description: 'the new secret', schema: secretAnswer }, 400: e('invalid id'), 404: e('no such device'), ...guarded },
  },
  {
    method: 'post', path: '/v1/pushes', id: 'createPush', tag: 'pushes', route: '/v1/pushes', summary: 'push to devices, a user, a tag expression, a topic or everyone', scope: 'push', body: pushBody, idempotent: true,
    responses: {
      202: { description: 'every message stored in RocketMQ (delayed: in its delay topic)', schema: pushAnswer },
      400: e('invalid push; code delay_too_long past the broker\'s delay limit'), 404: e('none of the devices is registered'),
      409: e('same Idempotency-Key still running'), 413: e('payload too large'), 422: e('Idempotency-Key used with another body'), ...guarded,
    },
  },
  {
    method: 'post', path: '/v1/pushes:batch', id: 'createPushBatch', tag: 'pushes', route: /^\/v1\/pushes:batch$/, summary: 'up to 500 pushes, answered item by item', scope: 'push',
    body: z.object({ pushes: z.array(pushBody).min(1).max(500) }).strict(), idempotent: true,
    responses: { 200: { description: 'one result per push, each with its own status', schema: pushBatchAnswer }, 400: e('invalid batch'), 409: e('same Idempotency-Key still running'), 422: e('Idempotency-Key used with another body'), ...guarded },
  },
  {
    method: 'get', path: '/v1/pushes', id: 'listPushes', tag: 'pushes', route: '/v1/pushes', summary: 'the newest pushes (up to 200 kept), with their counts', scope: 'push', query: recentPushesQuery,
    responses: { 200: { description: 'newest first', schema: recentPushesAnswer }, 400: e('invalid query'), ...guarded },
  },
  {
    method: 'get', path: '/v1/pushes/{id}', id: 'getPush', tag: 'pushes', route: '/v1/pushes/:id', summary: 'delivery status: counts, and per device in id order (paged)', scope: 'push', query: pushStatusQuery,
    responses: { 200: { description: 'the status', schema: pushStatusAnswer }, 400: e('invalid query'), 404: e('no such push'), ...guarded },
  },
  {
    method: 'delete', path: '/v1/pushes/{id}', id: 'cancelPush', tag: 'pushes', route: '/v1/pushes/:id', summary: 'cancel what was not delivered yet', scope: 'push',
    responses: { 200: { description: 'cancelled', schema: pushCancelAnswer }, 404: e('no such push'), ...guarded },
  },
  {
    method: 'post', path: '/v1/api-keys', id: 'createApiKey', tag: 'api-keys', route: '/v1/api-keys', summary: 'make an API key (shown once); it works on every API process at once', scope: 'keys.manage', body: createApiKeyBody,
    responses: { 201: { description: 'made; `key` is shown only here', schema: apiKeyCreatedAnswer }, 400: e('invalid body'), 409: e('the name is taken'), ...guarded },
  },
  {
    method: 'get', path: '/v1/api-keys', id: 'listApiKeys', tag: 'api-keys', route: '/v1/api-keys', summary: 'every API key: those of API_KEYS and those made over the API, with their last use', scope: 'keys.manage',
    responses: { 200: { description: 'the keys', schema: apiKeyListAnswer }, ...guarded },
  },
  {
    method: 'get', path: '/v1/api-keys/{id}', id: 'getApiKey', tag: 'api-keys', route: '/v1/api-keys/:id', summary: 'one API key made over the API', scope: 'keys.manage',
    responses: { 200: { description: 'the key (never the key itself)', schema: apiKeyAnswer }, 400: e('invalid id'), 404: e('no such key'), ...guarded },
  },
  {
    method: 'delete', path: '/v1/api-keys/{id}', id: 'revokeApiKey', tag: 'api-keys', route: '/v1/api-keys/:id', summary: 'revoke an API key (refused by every API process within API_KEY_CACHE_MS)', scope: 'keys.manage',
    responses: { 204: { description: 'revoked' }, 400: e('invalid id'), 404: e('no such key'), ...guarded },
  },
];

const plainHeaders = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };
/** On answers of routes that need a key, when the key has a rate (draft-ietf-httpapi-ratelimit-headers). */
const limitedHeaders = {
  ...plainHeaders,
  'RateLimit-Policy': { $ref: '#/components/headers/RateLimitPolicy' },
  RateLimit: { $ref: '#/components/headers/RateLimit' },
};

function jsonSchema(schema: ZodType, io: 'input' | 'output'): object {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** Shapes that several operations answer with: one component each, referenced wherever they appear. */
const SHARED_ANSWERS: [string, ZodType][] = [
  ['Error', errorAnswer], ['Device', deviceAnswer], ['ApiKey', apiKeyAnswer],
];

function example(operationId: string, part: 'request' | 'response'): { example?: unknown } {
  const found = EXAMPLES[operationId]?.[part];
  return found === undefined ? {} : { example: found };
}

const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * Every body and answer schema as a named component (`<OperationId>Request`, `<OperationId>Answer`,
 * and the shared ones), so that the document states each shape once and generated clients get
 * a named type per shape.
 */
function componentSchemas(): { schemas: Record<string, object>; names: Map<ZodType, string> } {
  const names = new Map<ZodType, string>();
  const schemas: Record<string, object> = {};
  for (const io of ['input', 'output'] as const) {
    const registry = z.registry<{ id: string }>();
    const add = (schema: ZodType, name: string) => {
      if (names.has(schema)) return;
      names.set(schema, name);
      registry.add(schema, { id: name });
    };
    if (io === 'output') for (const [name, schema] of SHARED_ANSWERS) add(schema, name);
    for (const op of operations) {
      if (io === 'input' && op.body) add(op.body, `${pascal(op.id)}Request`);
      if (io === 'output') {
        for (const [status, r] of Object.entries(op.responses)) {
          if (r.schema) add(r.schema, Number(status) < 300 ? `${pascal(op.id)}Answer` : `${pascal(op.id)}Answer${status}`);
        }
      }
    }
    const out = z.toJSONSchema(registry, { io, unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Record<string, unknown>> };
    for (const [name, schema] of Object.entries(out.schemas)) {
      const { $schema: _s, $id: _i, ...rest } = schema;
      schemas[name] = rest;
    }
  }
  return { schemas, names };
}

/** The OpenAPI 3.1 document, built from the same zod schemas that validate requests. */
export function openApiDocument(): object {
  const { schemas, names } = componentSchemas();
  const paths: Record<string, Record<string, object>> = {};
  for (const op of operations) {
    const parameters: object[] = [];
    for (const m of op.path.matchAll(/\{(\w+)\}/g)) parameters.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
    if (op.query) {
      for (const [name, s] of Object.entries(op.query.shape)) {
        parameters.push({ name, in: 'query', required: !(s as ZodType).safeParse(undefined).success, schema: jsonSchema(s as ZodType, 'input') });
      }
    }
    parameters.push({ $ref: '#/components/parameters/RequestId' });
    if (op.idempotent) parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      operationId: op.id,
      tags: [op.tag],
      summary: op.summary,
      ...(op.scope ? { security: [{ apiKey: [] }], 'x-scope': op.scope } : { security: [] }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(names.get(op.body)!), ...example(op.id, 'request') } } } } : {}),
      responses: Object.fromEntries(Object.entries(op.responses).map(([status, r]) => [status, {
        description: r.description,
        headers: op.scope ? limitedHeaders : plainHeaders,
        ...(r.schema ? { content: { 'application/json': { schema: ref(names.get(r.schema)!), ...(Number(status) < 300 ? example(op.id, 'response') : {}) } } } : {}),
      }])),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'rocketpush', version: '1', description: 'Push-notification backbone: REST for backends, MQTT for devices, RocketMQ in between.' },
    tags: [
      { name: 'publish', description: 'messages to MQTT topics' },
      { name: 'pushes', description: 'pushes to devices, users, tags, topics or everyone; their delivery status' },
      { name: 'devices', description: 'the device registry: ids, secrets, user aliases, tags' },
      { name: 'clients', description: 'connected MQTT clients and persistent sessions' },
      { name: 'edges', description: 'the MQTT edges: load, assignment, drain, rebalance, autoscaler' },
      { name: 'api-keys', description: 'keys of the REST API, made and revoked without restarts' },
      { name: 'system', description: 'health, readiness, this document' },
    ],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API key (API_KEYS, or made with POST /v1/api-keys)' } },
      schemas,
      parameters: {
        RequestId: {
          name: 'X-Request-Id', in: 'header', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9._:/+=@-]{1,128}$' },
          description: 'your id for this request, echoed in the answer and logged; one is made when absent',
        },
        IdempotencyKey: {
          name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 },
          description: 'a repeat within 24 hours with the same key and body sends nothing and gets the first answer',
        },
      },
      headers: {
        RequestId: { description: 'the request\'s id: yours, or one made for it', schema: { type: 'string' } },
        RateLimitPolicy: { description: 'the key\'s limit: `"api-key";q=<requests>;w=1`', schema: { type: 'string' } },
        RateLimit: { description: 'what is left: `"api-key";r=<requests>;t=<seconds until full>`', schema: { type: 'string' } },
      },
    },
    security: [{ apiKey: [] }],
    paths,
  };
}
