import { randomUUID } from 'node:crypto';
import type { QoS } from '../bus/envelope.js';
import type { PublishService } from '../bus/publish-service.js';
import type { DeviceRegistry } from '../cluster/device-registry.js';
import { BROADCAST_TOPIC } from '../edge/device-acl.js';
import { evaluate, tagsOf, type TagExpression } from './tag-expression.js';

export type PushTarget =
  | { kind: 'devices'; ids: string[] }
  | { kind: 'user'; user: string }
  | { kind: 'tags'; expression: TagExpression }
  | { kind: 'topic'; topic: string }
  | { kind: 'broadcast' };

export interface PushRequest {
  target: PushTarget;
  payload: Buffer;
  qos: QoS;
  ttlMs?: number;
}

export interface PushResult {
  id: string;
  /** Devices the push was sent to; null for topic and broadcast targets (any subscriber). */
  targeted: number | null;
  /** Device ids of a `devices` target that are not registered (nothing was sent to them). */
  unknownDevices: string[];
  acceptedAt: number;
  expiresAt: number;
}

export class NoTargetError extends Error {}

/** The topic a registered device always has the right to read. */
export function deviceTopic(id: string): string {
  return `devices/${id}`;
}

/**
 * Pushes from backends: resolves the target to device topics (or one topic) and publishes through
 * the publish service, so a push is accepted exactly when every message of it is in RocketMQ.
 * Device, user and tag targets become one message per device, on the device's own topic.
 */
export class PushService {
  constructor(private readonly publisher: PublishService, private readonly devices: DeviceRegistry) {}

  async push(req: PushRequest): Promise<PushResult> {
    const id = randomUUID();
    const { topics, targeted, unknownDevices } = await this.resolve(req.target);
    const messages = await Promise.all(topics.map((topic) => this.publisher.publish({
      topic, payload: req.payload, qos: req.qos, retain: false, clientId: '',
      ...(req.ttlMs !== undefined ? { ttlMs: req.ttlMs } : {}),
    })));
    // The first message's times, so that expiresAt - acceptedAt is exactly the TTL.
    return { id, targeted, unknownDevices, acceptedAt: messages[0]?.publishedAt ?? Date.now(), expiresAt: messages[0]?.expiresAt ?? 0 };
  }

  private async resolve(target: PushTarget): Promise<{ topics: string[]; targeted: number | null; unknownDevices: string[] }> {
    switch (target.kind) {
      case 'topic': return { topics: [target.topic], targeted: null, unknownDevices: [] };
      case 'broadcast': return { topics: [BROADCAST_TOPIC], targeted: null, unknownDevices: [] };
      case 'devices': {
        const ids = [...new Set(target.ids)];
        const known = await this.devices.existing(ids);
        if (known.length === 0) throw new NoTargetError(`none of the ${ids.length} device ids is registered`);
        const knownSet = new Set(known);
        return { topics: known.map(deviceTopic), targeted: known.length, unknownDevices: ids.filter((i) => !knownSet.has(i)) };
      }
      case 'user': {
        const ids = await this.devices.ids({ user: target.user });
        return { topics: ids.map(deviceTopic), targeted: ids.length, unknownDevices: [] };
      }
      case 'tags': {
        const tags = tagsOf(target.expression);
        const byTag = new Map(await Promise.all(tags.map(async (t) => [t, new Set(await this.devices.ids({ tag: t }))] as const)));
        const all = new Set(hasNot(target.expression) ? await this.devices.ids({}) : []);
        const ids = [...evaluate(target.expression, byTag, all)].sort();
        return { topics: ids.map(deviceTopic), targeted: ids.length, unknownDevices: [] };
      }
    }
  }
}

function hasNot(e: TagExpression): boolean {
  if (e.op === 'not') return true;
  if (e.op === 'tag') return false;
  return hasNot(e.of[0]) || hasNot(e.of[1]);
}
