import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RebalancePolicy } from './cluster/rebalancer.js';
import { z } from 'zod';
import { parseApiKeys, type ApiKey } from './api-keys-setting.js';
import { parseProxyEndpoints } from './bus/proxy-endpoints.js';
import { parseSentinels, type RedisTarget } from './cluster/redis-connection.js';
import { ConfigError } from './errors.js';
import { parseWebhookSecrets, type WebhookSecret } from './push/webhook-signature.js';

/**
 * Every environment variable rocketpush reads, parsed once at process start. The README's
 * configuration table mirrors this file; a value that does not parse stops the process with the
 * variable's name in the error.
 */
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  ROCKETMQ_ENDPOINTS: z.string().default('127.0.0.1:8081').transform((v, ctx) => {
    const r = parseProxyEndpoints(v);
    if (!r.ok) { ctx.addIssue({ code: 'custom', message: `${r.error} (in '${v}')` }); return z.NEVER; }
    return r.endpoints;
  }),
  ROCKETMQ_NAMESPACE: z.string().default(''),
  ROCKETMQ_REQUEST_TIMEOUT_MS: positiveInt.min(1000).default(5000),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6390'),
  // The highly available topology: the master is found through these sentinels (REDIS_URL then
  // gives only the password and database, if any).
  REDIS_SENTINELS: z.string().default('').transform((v, ctx) => {
    const r = parseSentinels(v);
    if (!r.ok) { ctx.addIssue({ code: 'custom', message: `${r.error} (in '${v}')` }); return z.NEVER; }
    return r.sentinels;
  }),
  REDIS_SENTINEL_NAME: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default('rp-redis'),
  RP_KEY_PREFIX: z.string().regex(/^[a-z0-9:_-]*$/i).default('rp:'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),

  EDGE_ID: z.string().regex(/^[A-Za-z0-9_-]{1,48}$/, 'letters, digits, _ and - only (1-48)').optional(),
  MQTT_HOST: z.string().default('0.0.0.0'),
  MQTT_PORT: port.default(1883),
  ROUTE_BROADCAST_THRESHOLD: z.coerce.number().int().min(0).default(3),
  MESSAGE_TTL_MS: z.coerce.number().int().min(0).default(24 * 3600 * 1000),
  MQTT_WS_PORT: port.optional(),
  MQTT_TLS_PORT: port.optional(),
  MQTT_TLS_CERT_FILE: z.string().optional(),
  MQTT_TLS_KEY_FILE: z.string().optional(),
  MQTT_MAX_PAYLOAD_BYTES: positiveInt.default(256 * 1024),
  MQTT_AUTH: z.enum(['devices', 'open']).default('devices'),
  MQTT_PUBLISH_TOPICS: z.string().default('devices/{id}/up/#'),
  MQTT_AUTH_CACHE_MS: z.coerce.number().int().min(0).default(30_000),
  EDGE_HTTP_PORT: port.default(9080),
  MQTT_OUTBOUND_MAX_BYTES: positiveInt.default(1024 * 1024),
  MQTT_OUTBOUND_MAX_UNACKED: positiveInt.default(10_000),
  EDGE_HEARTBEAT_MS: positiveInt.default(2000),
  EDGE_LEASE_MS: positiveInt.default(10000),
  EDGE_CAPACITY: positiveInt.default(100_000),
  EDGE_LOAD_REPORT_MS: positiveInt.default(1000),
  EDGE_PUBLIC_HOST: z.string().min(1).optional(),
  EDGE_PUBLIC_MQTT_PORT: port.optional(),
  EDGE_PUBLIC_TLS_PORT: port.optional(),
  EDGE_PUBLIC_WS_PORT: port.optional(),
  EDGE_INTERNAL_HOST: z.string().min(1).optional(),
  EDGE_DRAIN_RATE: positiveInt.default(500),
  EDGE_DRAIN_TIMEOUT_MS: positiveInt.default(30_000),
  EDGE_MEMORY_RELIEF_MIB: z.coerce.number().int().min(0).default(64),
  ASSIGN_HOT_LAG_MS: positiveInt.default(200),
  REBALANCE_TOLERANCE: z.coerce.number().min(0).max(1).default(0.05),
  REBALANCE_MAX_ROUNDS: positiveInt.max(100).default(5),
  REBALANCE_ROUND_TIMEOUT_MS: positiveInt.default(60_000),
  AUTOSCALE_ENABLED: z.enum(['0', '1', 'true', 'false']).default('0'),
  AUTOSCALE_DRIVER: z.enum(['local', 'kubernetes']).default('local'),
  AUTOSCALE_INTERVAL_MS: positiveInt.default(5000),
  AUTOSCALE_MIN_EDGES: positiveInt.default(2),
  AUTOSCALE_MAX_EDGES: positiveInt.default(8),
  AUTOSCALE_TARGET: z.coerce.number().gt(0).max(1).default(0.8),
  AUTOSCALE_SCALE_DOWN_WINDOW_MS: z.coerce.number().int().min(0).default(60_000),
  AUTOSCALE_LEAD_MS: positiveInt.default(60_000),
  AUTOSCALE_EDGE_MESSAGES_PER_SECOND: positiveInt.default(5000),
  AUTOSCALE_EDGE_CONNECTIONS: positiveInt.optional(),
  AUTOSCALE_HTTP_PORT: port.default(9890),
  AUTOSCALE_LOCAL_BASE_PORT: port.default(18901),
  AUTOSCALE_ID_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,30}$/).default('auto-edge-'),
  AUTOSCALE_K8S_API: z.string().url().default('https://kubernetes.default.svc'),
  AUTOSCALE_K8S_NAMESPACE: z.string().min(1).default('default'),
  AUTOSCALE_K8S_STATEFULSET: z.string().min(1).default('rocketpush-edge'),
  AUTOSCALE_K8S_TOKEN_FILE: z.string().default('/var/run/secrets/kubernetes.io/serviceaccount/token'),
  AUTOSCALE_K8S_CA_FILE: z.string().default('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt'),
  ASSIGN_HOT_CPU: z.coerce.number().positive().default(0.9),

  BATCH_MAX_MESSAGES: positiveInt.max(10000).default(256),
  BATCH_MAX_BYTES: positiveInt.max(3 * 1024 * 1024).default(512 * 1024),
  BATCH_LINGER_MS: z.coerce.number().min(0).max(1000).default(0),
  BATCH_LANES: positiveInt.max(256).default(8),
  BATCH_LANE_IN_FLIGHT: positiveInt.max(64).default(4),
  DELIVERY_REORDER_HOLD_MS: positiveInt.max(600_000).default(20_000),
  BATCH_MAX_QUEUED: positiveInt.default(8192),
  BUS_SEND_RETRY_MAX_MS: positiveInt.default(2000),
  CONSUMER_MAX_CACHED: positiveInt.default(1024),
  SESSION_PENDING_CAP: positiveInt.default(10000),

  API_HOST: z.string().default('0.0.0.0'),
  API_PORT: port.default(3000),
  API_MAX_BODY_BYTES: positiveInt.default(512 * 1024),
  API_KEYS: z.string().default(''),
  API_RATE_LIMIT: z.coerce.number().int().min(0).default(200),
  API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  PUSH_STATUS_RETENTION_S: positiveInt.default(24 * 3600),
  // RocketMQ's own limit for delay messages (timerMaxDelaySec); scripts/rocketmq.sh gives the broker the same value.
  ROCKETMQ_MAX_DELAY_S: positiveInt.default(3 * 24 * 3600),
  WEBHOOK_URL: z.string().url().optional(),
  WEBHOOK_SECRET: z.string().default(''),
  WEBHOOK_LEGACY_HEADERS: z.enum(['0', '1', 'true', 'false']).default('1'),
  WEBHOOK_MAX_ATTEMPTS: positiveInt.default(12),
  WEBHOOK_BATCH: positiveInt.max(1000).default(100),
});

export type RawConfig = z.infer<typeof schema>;

export interface Config {
  rocketmq: { endpoints: string; namespace: string; requestTimeoutMs: number };
  redis: RedisTarget;
  keyPrefix: string;
  logLevel: RawConfig['LOG_LEVEL'];
  /** Default time to live of a message; 0 for none. */
  messageTtlMs: number;
  /** Above this many interested edges a message is sent once, tagged for every edge. */
  routeBroadcastThreshold: number;
  edge: {
    id: string; host: string; port: number; wsPort?: number;
    tls?: { port: number; certFile: string; keyFile: string };
    maxPayloadBytes: number; heartbeatMs: number; leaseMs: number;
    /** `devices`: CONNECT needs a registered device's secret, topics are limited; `open`: anyone, anything. */
    auth: 'devices' | 'open';
    /** Topic filters a device may publish to; `{id}` and `{user}` are filled in per device. */
    publishTopics: string[];
    authCacheMs: number;
    /** HTTP port of /healthz and /readyz (MQTT_HOST's address). */
    httpPort: number;
    /** Per-device outbound limits (see OutboundGate). */
    outbound: { maxBufferedBytes: number; maxUnacked: number };
    /** Connections taken before new CONNECTs get CONNACK 3. */
    capacity: number;
    loadReportMs: number;
    /** The host name devices are given for this edge by assignment. */
    publicHost: string;
    /** Ports devices are given where they differ from the listening ones. */
    publicPorts: { mqtt?: number; tls?: number; ws?: number };
    /** The host name the API reaches this edge's HTTP port at (client lookups). */
    internalHost: string;
    /** Connections closed per second by a drain or a rebalance, and the longest a drain paces them. */
    drain: { ratePerSecond: number; timeoutMs: number };
    /** Heap garbage (MiB) that a quiet edge collects at once; 0: left to V8. */
    memoryReliefMiB: number;
  };
  autoscale: {
    enabled: boolean; driver: 'local' | 'kubernetes'; everyMs: number; min: number; max: number;
    /** Utilisation each edge should run at (connections against its capacity, messages against edgeMessagesPerSecond). */
    target: number; scaleDownWindowMs: number;
    /** How far ahead the forecast looks: an edge's start-up and warm-up. */
    leadMs: number; edgeMessagesPerSecond: number; httpPort: number; localBasePort: number; idPrefix: string;
    /** Connections one edge is sized for (default EDGE_CAPACITY); utilisation is measured against it. */
    edgeConnections: number;
    kubernetes: { apiUrl: string; namespace: string; statefulSet: string; tokenFile: string; caFile: string };
  };
  /** How the API picks an edge for a device (GET /v1/edges/assign). */
  assign: { staleAfterMs: number; hotLagMs: number; hotCpu: number };
  /** Rebalance rounds (src/cluster/rebalancer.ts). */
  rebalance: RebalancePolicy;
  batch: {
    maxMessages: number; maxBytes: number; lingerMs: number; lanes: number; laneInFlight: number; maxQueued: number;
    retryMaxMs: number;
  };
  consumer: { maxCached: number; reorderHoldMs: number };
  /** Most unacknowledged messages one persistent session may have queued. */
  sessionPendingCap: number;
  api: {
    host: string; port: number; maxBodyBytes: number; keys: ApiKey[];
    /** Requests per second per API key unless its entry says otherwise; 0 for no limit. */
    ratePerSecond: number;
    /** How long an API process reuses a key made over the API: the longest a revoked key keeps working. */
    keyCacheMs: number;
  };
  push: {
    /** How long a push's status is kept after it expired. */
    statusRetentionMs: number;
    /** Longest delay a push may ask for (the broker refuses longer ones). */
    maxDelayMs: number;
  };
  /** Absent when no webhook is configured. */
  webhook?: { url: string; secrets: WebhookSecret[]; legacyHeaders: boolean; maxAttempts: number; batch: number };
}

/**
 * Settings that hold secrets may come from a file instead (`<NAME>_FILE`, e.g. a mounted Docker or
 * Kubernetes secret), so that they stay out of the process's environment and of `ps e`.
 */
export const FILE_SETTINGS = ['API_KEYS', 'WEBHOOK_SECRET', 'REDIS_URL'] as const;

/** `env` with each `<NAME>_FILE` read into `<NAME>` (one trailing newline dropped). */
export function withFileSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of FILE_SETTINGS) {
    const file = env[`${name}_FILE`];
    if (file === undefined || file === '') continue;
    if (env[name] !== undefined && env[name] !== '') throw new ConfigError(`invalid configuration: set ${name} or ${name}_FILE, not both`);
    try {
      out[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError(`invalid configuration: ${name}_FILE ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
    }
  }
  return out;
}

function parseSecrets(raw: string): WebhookSecret[] {
  try {
    return parseWebhookSecrets(raw);
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function parseKeys(raw: string): ApiKey[] {
  try {
    return parseApiKeys(raw);
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(withFileSettings(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const webhookSecrets = parseSecrets(e.WEBHOOK_SECRET);
  // A wildcard bind address is no address to give a device.
  const publicHost = e.EDGE_PUBLIC_HOST ?? (['0.0.0.0', '::', ''].includes(e.MQTT_HOST) ? '127.0.0.1' : e.MQTT_HOST);
  if (e.WEBHOOK_URL !== undefined && webhookSecrets.length === 0) {
    throw new ConfigError('invalid configuration: WEBHOOK_URL needs WEBHOOK_SECRET (whsec_<base64>, or 16+ characters) to sign its calls');
  }
  if (e.MQTT_TLS_PORT !== undefined && (!e.MQTT_TLS_CERT_FILE || !e.MQTT_TLS_KEY_FILE)) {
    throw new ConfigError('invalid configuration: MQTT_TLS_PORT needs MQTT_TLS_CERT_FILE and MQTT_TLS_KEY_FILE');
  }
  return {
    rocketmq: { endpoints: e.ROCKETMQ_ENDPOINTS, namespace: e.ROCKETMQ_NAMESPACE, requestTimeoutMs: e.ROCKETMQ_REQUEST_TIMEOUT_MS },
    redis: { url: e.REDIS_URL, sentinelName: e.REDIS_SENTINEL_NAME, ...(e.REDIS_SENTINELS.length > 0 ? { sentinels: e.REDIS_SENTINELS } : {}) },
    keyPrefix: e.RP_KEY_PREFIX,
    logLevel: e.LOG_LEVEL,
    messageTtlMs: e.MESSAGE_TTL_MS,
    routeBroadcastThreshold: e.ROUTE_BROADCAST_THRESHOLD,
    edge: {
      // A stable id keeps an edge's consumer group across restarts; the default is unique per host and port.
      id: e.EDGE_ID ?? `edge-${hostname().replace(/[^A-Za-z0-9_-]/g, '').slice(0, 30)}-${e.MQTT_PORT}`,
      host: e.MQTT_HOST,
      port: e.MQTT_PORT,
      ...(e.MQTT_WS_PORT !== undefined ? { wsPort: e.MQTT_WS_PORT } : {}),
      ...(e.MQTT_TLS_PORT !== undefined && e.MQTT_TLS_CERT_FILE && e.MQTT_TLS_KEY_FILE
        ? { tls: { port: e.MQTT_TLS_PORT, certFile: e.MQTT_TLS_CERT_FILE, keyFile: e.MQTT_TLS_KEY_FILE } } : {}),
      maxPayloadBytes: e.MQTT_MAX_PAYLOAD_BYTES,
      heartbeatMs: e.EDGE_HEARTBEAT_MS,
      leaseMs: e.EDGE_LEASE_MS,
      auth: e.MQTT_AUTH,
      publishTopics: e.MQTT_PUBLISH_TOPICS.split(',').map((t) => t.trim()).filter((t) => t.length > 0),
      authCacheMs: e.MQTT_AUTH_CACHE_MS,
      httpPort: e.EDGE_HTTP_PORT,
      outbound: { maxBufferedBytes: e.MQTT_OUTBOUND_MAX_BYTES, maxUnacked: e.MQTT_OUTBOUND_MAX_UNACKED },
      capacity: e.EDGE_CAPACITY,
      loadReportMs: e.EDGE_LOAD_REPORT_MS,
      publicHost,
      publicPorts: {
        ...(e.EDGE_PUBLIC_MQTT_PORT !== undefined ? { mqtt: e.EDGE_PUBLIC_MQTT_PORT } : {}),
        ...(e.EDGE_PUBLIC_TLS_PORT !== undefined ? { tls: e.EDGE_PUBLIC_TLS_PORT } : {}),
        ...(e.EDGE_PUBLIC_WS_PORT !== undefined ? { ws: e.EDGE_PUBLIC_WS_PORT } : {}),
      },
      internalHost: e.EDGE_INTERNAL_HOST ?? publicHost,
      drain: { ratePerSecond: e.EDGE_DRAIN_RATE, timeoutMs: e.EDGE_DRAIN_TIMEOUT_MS },
      memoryReliefMiB: e.EDGE_MEMORY_RELIEF_MIB,
    },
    autoscale: {
      enabled: ['1', 'true'].includes(e.AUTOSCALE_ENABLED), driver: e.AUTOSCALE_DRIVER, everyMs: e.AUTOSCALE_INTERVAL_MS,
      min: e.AUTOSCALE_MIN_EDGES, max: Math.max(e.AUTOSCALE_MIN_EDGES, e.AUTOSCALE_MAX_EDGES), target: e.AUTOSCALE_TARGET,
      scaleDownWindowMs: e.AUTOSCALE_SCALE_DOWN_WINDOW_MS, leadMs: e.AUTOSCALE_LEAD_MS, edgeMessagesPerSecond: e.AUTOSCALE_EDGE_MESSAGES_PER_SECOND,
      httpPort: e.AUTOSCALE_HTTP_PORT, localBasePort: e.AUTOSCALE_LOCAL_BASE_PORT, idPrefix: e.AUTOSCALE_ID_PREFIX, edgeConnections: e.AUTOSCALE_EDGE_CONNECTIONS ?? e.EDGE_CAPACITY,
      kubernetes: {
        apiUrl: e.AUTOSCALE_K8S_API, namespace: e.AUTOSCALE_K8S_NAMESPACE, statefulSet: e.AUTOSCALE_K8S_STATEFULSET,
        tokenFile: e.AUTOSCALE_K8S_TOKEN_FILE, caFile: e.AUTOSCALE_K8S_CA_FILE,
      },
    },
    // Three missed reports: the edge is gone or stuck.
    assign: { staleAfterMs: 3 * e.EDGE_LOAD_REPORT_MS, hotLagMs: e.ASSIGN_HOT_LAG_MS, hotCpu: e.ASSIGN_HOT_CPU },
    rebalance: {
      staleAfterMs: 3 * e.EDGE_LOAD_REPORT_MS, tolerance: e.REBALANCE_TOLERANCE, maxRounds: e.REBALANCE_MAX_ROUNDS,
      pollMs: e.EDGE_LOAD_REPORT_MS, roundTimeoutMs: e.REBALANCE_ROUND_TIMEOUT_MS,
      // The drain's own limit, and the lease in which a dead edge's report is dropped.
      drainWaitMs: e.EDGE_DRAIN_TIMEOUT_MS + e.EDGE_LEASE_MS + 10_000,
    },
    batch: {
      maxMessages: e.BATCH_MAX_MESSAGES, maxBytes: e.BATCH_MAX_BYTES, lingerMs: e.BATCH_LINGER_MS,
      lanes: e.BATCH_LANES, laneInFlight: e.BATCH_LANE_IN_FLIGHT, maxQueued: e.BATCH_MAX_QUEUED, retryMaxMs: e.BUS_SEND_RETRY_MAX_MS,
    },
    consumer: { maxCached: e.CONSUMER_MAX_CACHED, reorderHoldMs: e.DELIVERY_REORDER_HOLD_MS },
    sessionPendingCap: e.SESSION_PENDING_CAP,
    api: { host: e.API_HOST, port: e.API_PORT, maxBodyBytes: e.API_MAX_BODY_BYTES, keys: parseKeys(e.API_KEYS), ratePerSecond: e.API_RATE_LIMIT, keyCacheMs: e.API_KEY_CACHE_MS },
    push: { statusRetentionMs: e.PUSH_STATUS_RETENTION_S * 1000, maxDelayMs: e.ROCKETMQ_MAX_DELAY_S * 1000 },
    ...(e.WEBHOOK_URL !== undefined
      ? {
        webhook: {
          url: e.WEBHOOK_URL, secrets: webhookSecrets, legacyHeaders: ['1', 'true'].includes(e.WEBHOOK_LEGACY_HEADERS), maxAttempts: e.WEBHOOK_MAX_ATTEMPTS, batch: e.WEBHOOK_BATCH,
        },
      } : {}),
  };
}
