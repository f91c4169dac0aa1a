import { randomUUID } from 'node:crypto';
import type { QoS } from '../message/envelope.js';
import type { PublishService } from '../bus/publish-service.js';
import type { DeviceRegistry } from '../cluster/device-registry.js';
import { BROADCAST_TOPIC, deviceTopic } from '../topics.js';
import { evaluate, tagsOf, type TagExpression } from './tag-expression.js';
import type { PushStatusStore } from '../cluster/push-status-store.js';
import { encodeScheduledPush, type ScheduledPush } from './scheduled-push.js';

import { NoTargetError, PushRequestError, PushTooLargeError } from '../errors.js';
import { BusUnavailableError, DelayRefusedError } from '../errors.js';

export type PushTarget =
  | { kind: 'devices'; ids: string[] }
  | { kind: 'user'; user: string }
  | { kind: 'tags'; expression: TagExpression }
  | { kind: 'topic'; topic: string }
  | { kind: 'broadcast' };

/**
 * What a device receives instead of the raw payload when a push asks for the envelope: JSON it can
 * correlate (pushId, the same id the API answered and the status and webhooks use) and
 * de-duplicate (a redelivery carries the same pushId) with.
 */
export interface PushEnvelope {
  pushId: string;
  collapseKey: string | null;
  /** When the push was sent: accepted, or its delivery time when delayed. ISO 8601. */
  sentAt: string;
  expiresAt: string | null;
  /** How `data` carries the payload: a JSON value, text, or base64 of bytes. */
  format: 'json' | 'text' | 'base64';
  data: unknown;
}

export interface PushRequest {
  target: PushTarget;
  /** The raw payload; with `envelope`, what `envelope.data` is in bytes (its size is checked the same way). */
  payload: Buffer;
  /** Wrap the payload in a PushEnvelope (JSON) for the device. */
  envelope?: { format: PushEnvelope['format']; data: unknown };
  qos: QoS;
  ttlMs?: number;
  /** A newer push with the same key replaces this one on devices it has not reached yet. */
  collapseKey?: string;
  /** Milliseconds since the epoch; sent then through RocketMQ's delay messages. */
  deliverAt?: number;
}

export interface PushResult {
  id: string;
  /** Devices the push was sent to; null for topic and broadcast targets (any subscriber). */
  targeted: number | null;
  /** Device ids of a `devices` target that are not registered (nothing was sent to them). */
  unknownDevices: string[];
  acceptedAt: number;
  /** Equal to acceptedAt unless delayed. */
  deliverAt: number;
  expiresAt: number;
  /** Older pushes with the same collapse key that this one replaced on some device. */
  replaced: number;
}

export interface PushServiceDeps {
  publisher: PublishService;
  devices: DeviceRegistry;
  status: PushStatusStore;
  /** Sends a delayed push to RocketMQ's delay topic; resolves on SEND_OK. */
  schedule: (body: Buffer, deliverAt: number, pushId: string) => Promise<void>;
  defaultTtlMs: number;
  /** The broker's longest delay. */
  maxDelayMs: number;
  /** Largest payload a message may carry, envelope included. */
  maxPayloadBytes: number;
}

/** Collapse keys of pushes without expiry point at the newest push this long. */
const COLLAPSE_KEPT_MS = 7 * 24 * 3600_000;

/**
 * Pushes from backends: resolves the target to device topics (or one topic), records the push's
 * status, and publishes through the publish service (or, when delayed, through RocketMQ's delay
 * topic), so a push is accepted exactly when every message of it is in RocketMQ. Device, user and
 * tag targets become one message per device, on the device's own topic.
 */
export class PushService {
  constructor(private readonly deps: PushServiceDeps) {}

  async push(req: PushRequest): Promise<PushResult> {
    const { status } = this.deps;
    const id = randomUUID();
    const now = Date.now();
    const delayed = req.deliverAt !== undefined && req.deliverAt > now;
    const deliverAt = delayed ? req.deliverAt! : now;
    if (deliverAt - now > this.deps.maxDelayMs) {
      throw new PushRequestError(`deliverAt is ${Math.ceil((deliverAt - now) / 1000)} s ahead; the broker holds pushes at most ${this.deps.maxDelayMs / 1000} s`, 'deliverAt');
    }
    if (req.collapseKey !== undefined && (req.target.kind === 'topic' || req.target.kind === 'broadcast')) {
      throw new PushRequestError('a collapse key needs a devices, user or tags target (it replaces per device)', 'collapseKey');
    }
    const ttl = req.ttlMs ?? this.deps.defaultTtlMs;
    const expiresAt = ttl > 0 ? deliverAt + ttl : 0;
    const payload = req.envelope ? enveloped(id, req, deliverAt, expiresAt) : req.payload;
    if (payload.length > this.deps.maxPayloadBytes) {
      throw new PushTooLargeError(`the enveloped payload is ${payload.length} bytes, over the limit of ${this.deps.maxPayloadBytes}`);
    }
    const { topics, targeted, unknownDevices, deviceIds } = await this.resolve(req.target);
    await status.create({
      id, target: req.target.kind, qos: req.qos, acceptedAt: now, deliverAt, expiresAt,
      collapseKey: req.collapseKey ?? null, targeted,
    }, delayed ? 'scheduled' : 'accepted', deviceIds);
    if (delayed) {
      try {
        await this.deps.schedule(encodeScheduledPush({ pushId: id, topics, devices: deviceIds, payload, qos: req.qos, expiresAt }), deliverAt, id);
      } catch (err) {
        if (err instanceof BusUnavailableError) { await status.forget(id); throw err; }
        if (!(err instanceof DelayRefusedError)) throw err;
        await status.forget(id);
        throw new PushRequestError(`RocketMQ refused the delivery time: ${err.message}`, 'deliverAt');
      }
    } else {
      await this.send(id, topics, payload, req.qos, expiresAt);
    }
    // After the push is in RocketMQ: a refused push replaces nothing.
    const replaced = req.collapseKey !== undefined && deviceIds
      ? await status.collapse(id, req.collapseKey, deviceIds, expiresAt > 0 ? expiresAt - now : COLLAPSE_KEPT_MS)
      : 0;
    return { id, targeted, unknownDevices, acceptedAt: now, deliverAt, expiresAt, replaced };
  }

  /**
   * A delayed push came due: sent to every device it was not cancelled or replaced for. A push
   * cancelled as a whole is dropped. Repeated after a failure, it may reach a device twice.
   */
  async sendScheduled(p: ScheduledPush): Promise<'sent' | 'cancelled' | 'unknown'> {
    const current = await this.deps.status.status(p.pushId);
    if (current?.state === 'cancelled') return 'cancelled';
    let topics = p.topics;
    if (p.devices && current) {
      const states = await this.deps.status.deviceStates(p.pushId);
      topics = p.topics.filter((_, i) => states[p.devices![i]!] === 'pending');
    }
    if (topics.length > 0) await this.send(p.pushId, topics, p.payload, p.qos, p.expiresAt);
    await this.deps.status.markAccepted(p.pushId);
    return current ? 'sent' : 'unknown';
  }

  private async send(pushId: string, topics: string[], payload: Buffer, qos: QoS, expiresAt: number): Promise<void> {
    await Promise.all(topics.map((topic) => this.deps.publisher.publish({
      topic, payload, qos, retain: false, clientId: '', expiresAt, pushId,
    })));
  }

  private async resolve(target: PushTarget): Promise<Resolved> {
    switch (target.kind) {
      case 'topic': return { topics: [target.topic], targeted: null, unknownDevices: [], deviceIds: null };
      case 'broadcast': return { topics: [BROADCAST_TOPIC], targeted: null, unknownDevices: [], deviceIds: null };
      case 'devices': {
        const ids = [...new Set(target.ids)];
        const known = await this.deps.devices.existing(ids);
        if (known.length === 0) throw new NoTargetError(`none of the ${ids.length} device ids is registered`);
        const knownSet = new Set(known);
        return { ...forDevices(known), unknownDevices: ids.filter((i) => !knownSet.has(i)) };
      }
      case 'user': {
        return forDevices(await this.deps.devices.ids({ user: target.user }));
      }
      case 'tags': {
        const tags = tagsOf(target.expression);
        const byTag = new Map(await Promise.all(tags.map(async (t) => [t, new Set(await this.deps.devices.ids({ tag: t }))] as const)));
        const all = new Set(hasNot(target.expression) ? await this.deps.devices.ids({}) : []);
        return forDevices([...evaluate(target.expression, byTag, all)].sort());
      }
    }
  }
}

interface Resolved {
  topics: string[];
  targeted: number | null;
  unknownDevices: string[];
  /** The device of each topic, for device, user and tag targets. */
  deviceIds: string[] | null;
}

function forDevices(ids: string[]): Resolved {
  return { topics: ids.map(deviceTopic), targeted: ids.length, unknownDevices: [], deviceIds: ids };
}

function enveloped(pushId: string, req: PushRequest, deliverAt: number, expiresAt: number): Buffer {
  const envelope: PushEnvelope = {
    pushId, collapseKey: req.collapseKey ?? null, sentAt: new Date(deliverAt).toISOString(),
    expiresAt: expiresAt > 0 ? new Date(expiresAt).toISOString() : null, format: req.envelope!.format, data: req.envelope!.data,
  };
  return Buffer.from(JSON.stringify(envelope));
}

function hasNot(e: TagExpression): boolean {
  if (e.op === 'not') return true;
  if (e.op === 'tag') return false;
  return hasNot(e.of[0]) || hasNot(e.of[1]);
}
