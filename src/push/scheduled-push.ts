import { z } from 'zod';
import { ScheduledPushError } from '../errors.js';

/**
 * The one type that crosses RocketMQ's delay topic: a push accepted for later, with its targets
 * already resolved (device topics, or the one topic), sent when RocketMQ hands it back.
 */
export interface ScheduledPush {
  pushId: string;
  topics: string[];
  /** Device id of each topic for device targets (the scheduler skips cancelled or replaced ones); null otherwise. */
  devices: string[] | null;
  payload: Buffer;
  qos: 0 | 1 | 2;
  /** 0 for never. */
  expiresAt: number;
}

const wire = z.object({
  v: z.literal(1),
  pushId: z.string().min(1),
  topics: z.array(z.string().min(1)).min(1),
  devices: z.array(z.string().min(1)).nullable(),
  payload: z.string(),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  expiresAt: z.number().min(0),
}).refine((w) => w.devices === null || w.devices.length === w.topics.length, 'devices and topics differ in length');

export function encodeScheduledPush(p: ScheduledPush): Buffer {
  return Buffer.from(JSON.stringify({ v: 1, ...p, payload: p.payload.toString('base64') }));
}

export function decodeScheduledPush(body: Buffer): ScheduledPush {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ScheduledPushError('scheduled push is not JSON');
  }
  const parsed = wire.safeParse(raw);
  if (!parsed.success) throw new ScheduledPushError(`scheduled push is malformed: ${parsed.error.issues[0]?.message ?? ''}`);
  const { v: _v, ...rest } = parsed.data;
  return { ...rest, payload: Buffer.from(rest.payload, 'base64') };
}
