import type { z } from 'zod';
import type {
  assignmentAnswer, autoscalerAnswer, drainAnswer, rebalanceAnswer, clientAnswer, clientDisconnectAnswer, edgeListAnswer, sessionAnswer,
  deviceAnswer, deviceCreatedAnswer, devicePageAnswer, publishAnswer, publishBody, pushAnswer, pushBatchAnswer, pushBody,
  pushCancelAnswer, pushStatusAnswer, recentPushesAnswer, registerDeviceBody, secretAnswer, updateDeviceBody,
} from '../api/schemas.js';

export type PublishRequest = z.input<typeof publishBody>;
export type PublishResult = z.output<typeof publishAnswer>;
export type PushRequest = z.input<typeof pushBody>;
export type PushResult = z.output<typeof pushAnswer>;
export type PushBatchResult = z.output<typeof pushBatchAnswer>;
export type PushStatus = z.output<typeof pushStatusAnswer>;
export type RecentPushes = z.output<typeof recentPushesAnswer>;
export type PushCancelResult = z.output<typeof pushCancelAnswer>;
export type Device = z.output<typeof deviceAnswer>;
export type RegisteredDevice = z.output<typeof deviceCreatedAnswer>;
export type DevicePage = z.output<typeof devicePageAnswer>;
export type DeviceRegistration = z.input<typeof registerDeviceBody>;
export type DeviceChange = z.input<typeof updateDeviceBody>;
export type EdgeList = z.output<typeof edgeListAnswer>;
export type EdgeAssignment = z.output<typeof assignmentAnswer>;
export type EdgeDrain = z.output<typeof drainAnswer>;
export type Rebalance = z.output<typeof rebalanceAnswer>;
export type AutoscalerStatus = z.output<typeof autoscalerAnswer>;
export type ClientInfo = z.output<typeof clientAnswer>;
export type ClientDisconnect = z.output<typeof clientDisconnectAnswer>;
export type SessionInfo = z.output<typeof sessionAnswer>;

/** An answer of the API other than success, with its one error shape. */
export class RocketpushError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string, readonly retryAfterSeconds?: number) {
    super(message);
    this.name = 'RocketpushError';
  }
}

export interface RocketpushClientOptions {
  /** e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  apiKey: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

/**
 * Typed client for backends. Every method resolves with the API's answer or rejects with a
 * RocketpushError carrying the API's error code (and Retry-After on 429).
 */
export class RocketpushClient {
  private readonly base: string;

  constructor(private readonly opts: RocketpushClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
  }

  publish(req: PublishRequest): Promise<PublishResult> {
    return this.call('POST', '/v1/publish', req);
  }

  /** One push; with `idempotencyKey`, a repeat within 24 hours sends nothing and returns the first answer. */
  push(req: PushRequest, idempotencyKey?: string): Promise<PushResult> {
    return this.call('POST', '/v1/pushes', req, idempotencyKey);
  }

  pushBatch(pushes: PushRequest[], idempotencyKey?: string): Promise<PushBatchResult> {
    return this.call('POST', '/v1/pushes:batch', { pushes }, idempotencyKey);
  }

  /** Where a push stands: counts, and one page of per-device states (device id order, after `after`). */
  /** The newest pushes (up to 200 kept), newest first, with their counts. */
  recentPushes(limit = 20): Promise<RecentPushes> {
    return this.call('GET', `/v1/pushes?limit=${limit}`);
  }

  status(pushId: string, page: { after?: string; limit?: number } = {}): Promise<PushStatus> {
    const params = new URLSearchParams(Object.entries(page).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
    const qs = params.toString();
    return this.call('GET', `/v1/pushes/${encodeURIComponent(pushId)}${qs ? `?${qs}` : ''}`);
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
    return this.call('GET', `/v1/edges/assign${deviceId === undefined ? '' : `?device=${encodeURIComponent(deviceId)}`}`);
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
    register: (d: DeviceRegistration): Promise<RegisteredDevice> => this.call('POST', '/v1/devices', d),
    get: (id: string): Promise<Device> => this.call('GET', `/v1/devices/${encodeURIComponent(id)}`),
    update: (id: string, change: DeviceChange): Promise<Device> => this.call('PATCH', `/v1/devices/${encodeURIComponent(id)}`, change),
    remove: (id: string): Promise<void> => this.call('DELETE', `/v1/devices/${encodeURIComponent(id)}`),
    rotateSecret: (id: string): Promise<z.output<typeof secretAnswer>> => this.call('POST', `/v1/devices/${encodeURIComponent(id)}/secret`),
    list: (q: { user?: string; tag?: string; after?: string; limit?: number } = {}): Promise<DevicePage> => {
      const params = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      const qs = params.toString();
      return this.call('GET', `/v1/devices${qs ? `?${qs}` : ''}`);
    },
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

  private async call<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.opts.apiKey}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
    });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown;
    try { json = JSON.parse(text); } catch { json = undefined; }
    if (!res.ok) {
      const err = (json as { error?: { code: string; message: string; field?: string } } | undefined)?.error;
      const retryAfter = res.headers.get('retry-after');
      throw new RocketpushError(res.status, err?.code ?? 'http_error', err?.message ?? `HTTP ${res.status}`, err?.field,
        retryAfter ? Number(retryAfter) : undefined);
    }
    return json as T;
  }
}
