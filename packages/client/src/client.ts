import { RocketpushError, type Problem } from './errors.js';
import type {
  ApiKeyInfo, ApiKeyList, ApiKeyRequest, AutoscalerStatus, ClientDisconnect, ClientInfo, CreatedApiKey, Device, DeviceChange,
  DevicePage, DeviceQuery, DeviceRegistration, DeviceSecret, EdgeAssignment, EdgeDrain, EdgeList, PublishRequest, PublishResult,
  PushBatchResult, PushCancelResult, PushRequest, PushResult, PushStatus, PushStatusQuery, Rebalance, RecentPushes, RegisteredDevice,
  SessionInfo,
} from './types.js';

export interface RocketpushClientOptions {
  /** e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  apiKey: string;
  /** Per attempt; default 30 s. */
  timeoutMs?: number;
  /**
   * Retries of an answer 429 or 503 (the request was not carried out), and of a network error or
   * timeout when a repeat is safe (a read, a delete, or a push: pushes carry an Idempotency-Key,
   * made here when the caller gives none). Default 3; 0 for none.
   */
  retries?: number;
  /** Longest wait before a retry; a Retry-After beyond it fails at once. Default 30 s. */
  maxRetryDelayMs?: number;
  /** The fetch to use; default the global one. */
  fetch?: typeof fetch;
}

interface CallOptions {
  body?: unknown;
  /** Sent as Idempotency-Key: a repeat within 24 hours is answered from the first and sends nothing. */
  idempotencyKey?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds or an HTTP date, as Retry-After may say; undefined when absent or unreadable. */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * Client of the rocketpush REST API. Every method resolves with the API's answer or rejects with a
 * RocketpushError carrying the API's error code, every validation problem and the request id.
 */
export class RocketpushClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly opts: RocketpushClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.fetch = opts.fetch ?? globalThis.fetch;
  }

  /** One message to an MQTT topic; resolves once RocketMQ stored it. */
  publish(req: PublishRequest): Promise<PublishResult> {
    return this.call('POST', '/v1/publish', { body: req });
  }

  /**
   * One push. It always carries an Idempotency-Key (`idempotencyKey`, or one made for this call), so
   * that a retry after a lost answer never pushes twice; give your own to make your retries safe too.
   */
  push(req: PushRequest, idempotencyKey?: string): Promise<PushResult> {
    return this.call('POST', '/v1/pushes', { body: req, idempotencyKey: idempotencyKey ?? crypto.randomUUID() });
  }

  /** Up to 500 pushes, answered item by item; idempotent as push(). */
  pushBatch(pushes: PushRequest[], idempotencyKey?: string): Promise<PushBatchResult> {
    return this.call('POST', '/v1/pushes:batch', { body: { pushes }, idempotencyKey: idempotencyKey ?? crypto.randomUUID() });
  }

  /** The newest pushes (up to 200 kept), newest first, with their counts. */
  recentPushes(limit = 20): Promise<RecentPushes> {
    return this.call('GET', `/v1/pushes${query({ limit })}`);
  }

  /** Where a push stands: counts, and one page of per-device states (device id order, after `after`). */
  status(pushId: string, page: PushStatusQuery = {}): Promise<PushStatus> {
    return this.call('GET', `/v1/pushes/${encodeURIComponent(pushId)}${query(page)}`);
  }

  /** Cancels what the push has not delivered yet. */
  cancel(pushId: string): Promise<PushCancelResult> {
    return this.call('DELETE', `/v1/pushes/${encodeURIComponent(pushId)}`);
  }

  /** Every edge with its last heartbeat. */
  edges(): Promise<EdgeList> {
    return this.call('GET', '/v1/edges');
  }

  /** The autoscaler's last decision. */
  autoscaler(): Promise<AutoscalerStatus> {
    return this.call('GET', '/v1/autoscaler');
  }

  /** Drains an edge (scale-in): its devices move to the others, then it exits. */
  drainEdge(edgeId: string): Promise<EdgeDrain> {
    return this.call('POST', `/v1/edges/${encodeURIComponent(edgeId)}/drain`);
  }

  /** Edges above their share of connections shed the excess, which assignment sends to the others. */
  rebalance(): Promise<Rebalance> {
    return this.call('POST', '/v1/edges/rebalance');
  }

  /** The edge a device should connect to now (with `deviceId`: its current edge while that one is ready). */
  assign(deviceId?: string): Promise<EdgeAssignment> {
    return this.call('GET', `/v1/edges/assign${query({ device: deviceId })}`);
  }

  /** Connected MQTT clients and persistent sessions, by client id. */
  readonly clients = {
    get: (id: string): Promise<ClientInfo> => this.call('GET', `/v1/clients/${encodeURIComponent(id)}`),
    disconnect: (id: string): Promise<ClientDisconnect> => this.call('DELETE', `/v1/clients/${encodeURIComponent(id)}`),
  };

  /** A persistent session: subscriptions, queue depth, oldest pending message. */
  session(id: string): Promise<SessionInfo> {
    return this.call('GET', `/v1/sessions/${encodeURIComponent(id)}`);
  }

  readonly devices = {
    register: (d: DeviceRegistration): Promise<RegisteredDevice> => this.call('POST', '/v1/devices', { body: d }),
    get: (id: string): Promise<Device> => this.call('GET', `/v1/devices/${encodeURIComponent(id)}`),
    update: (id: string, change: DeviceChange): Promise<Device> => this.call('PATCH', `/v1/devices/${encodeURIComponent(id)}`, { body: change }),
    remove: (id: string): Promise<void> => this.call('DELETE', `/v1/devices/${encodeURIComponent(id)}`),
    rotateSecret: (id: string): Promise<DeviceSecret> => this.call('POST', `/v1/devices/${encodeURIComponent(id)}/secret`),
    list: (q: DeviceQuery = {}): Promise<DevicePage> => this.call('GET', `/v1/devices${query(q)}`),
    /** Every device of a user, a tag or the registry, page after page. */
    all: async function* (this: RocketpushClient, q: { user?: string; tag?: string } = {}): AsyncGenerator<Device> {
      let after: string | undefined;
      do {
        const page = await this.devices.list({ ...q, ...(after ? { after } : {}), limit: 500 });
        yield* page.items;
        after = page.next ?? undefined;
      } while (after);
    }.bind(this),
  };

  /** Keys of the REST API (scope keys.manage): made, listed and revoked without restarts. */
  readonly apiKeys = {
    /** The answer's `key` is shown only here. */
    create: (req: ApiKeyRequest): Promise<CreatedApiKey> => this.call('POST', '/v1/api-keys', { body: req }),
    list: (): Promise<ApiKeyList> => this.call('GET', '/v1/api-keys'),
    get: (id: string): Promise<ApiKeyInfo> => this.call('GET', `/v1/api-keys/${encodeURIComponent(id)}`),
    revoke: (id: string): Promise<void> => this.call('DELETE', `/v1/api-keys/${encodeURIComponent(id)}`),
  };

  private async call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const retries = this.opts.retries ?? 3;
    const maxDelay = this.opts.maxRetryDelayMs ?? 30_000;
    // A repeat is safe when it cannot do a thing twice: reads, deletes, and requests with an Idempotency-Key.
    const repeatable = method === 'GET' || method === 'DELETE' || opts.idempotencyKey !== undefined;
    for (let attempt = 0; ; attempt++) {
      const backoff = Math.min(maxDelay, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
      let res: Response;
      try {
        res = await this.fetch(`${this.base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.opts.apiKey}`,
            ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {}),
          },
          ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
        });
      } catch (err) {
        const timeout = (err as Error).name === 'TimeoutError';
        if (repeatable && attempt < retries) { await sleep(backoff); continue; }
        throw new RocketpushError({
          status: 0, code: timeout ? 'timeout' : 'network',
          message: `${method} ${path}: ${timeout ? 'no answer in time' : (err as Error).message}`,
        }, { cause: err });
      }
      if (res.status === 204) return undefined as T;
      const text = await res.text();
      let json: unknown;
      try { json = JSON.parse(text); } catch { json = undefined; }
      if (res.ok) return json as T;
      const wait = retryAfterMs(res.headers.get('retry-after'));
      const error = (json as { error?: { code: string; message: string; field?: string; problems?: Problem[]; requestId?: string } } | undefined)?.error;
      // 429 and 503: the request was not carried out. 409 idempotency_in_progress: an earlier
      // attempt of this very call (whose answer was lost) is still running.
      const retryable = res.status === 429 || res.status === 503 || (res.status === 409 && error?.code === 'idempotency_in_progress');
      if (retryable && attempt < retries && (wait ?? backoff) <= maxDelay) {
        await sleep(wait ?? backoff);
        continue;
      }
      throw new RocketpushError({
        status: res.status, code: error?.code ?? 'http_error', message: error?.message ?? `HTTP ${res.status}`,
        ...(error?.field !== undefined ? { field: error.field } : {}),
        ...(error?.problems !== undefined ? { problems: error.problems } : {}),
        ...((error?.requestId ?? res.headers.get('x-request-id')) ? { requestId: error?.requestId ?? res.headers.get('x-request-id')! } : {}),
        ...(wait !== undefined ? { retryAfterSeconds: Math.ceil(wait / 1000) } : {}),
      });
    }
  }
}

function query(q: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}
