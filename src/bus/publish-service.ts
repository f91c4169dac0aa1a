import { randomUUID } from 'node:crypto';
import type { RetainedStore } from '../cluster/retained-store.js';
import type { BatchingProducer } from './batching-producer.js';
import type { BusMessage, QoS } from './envelope.js';
import { BROADCAST_TAG, NOBODY_TAG } from './names.js';
import type { RouteResolver } from './route-resolver.js';

export interface PublishInput {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  clientId: string;
  /** Time to live in milliseconds; the service's default when absent, 0 for no expiry. */
  ttlMs?: number;
}

/**
 * The single way into the bus for devices (through the edge) and backends (through the API).
 * It resolves only when the message is durable in RocketMQ and, when retained, recorded for
 * subscribers that come later: that is the moment PUBACK, PUBREC or 202 may be sent.
 */
export class PublishService {
  constructor(
    private readonly producer: BatchingProducer,
    private readonly retained: RetainedStore,
    private readonly origin: string,
    private readonly defaultTtlMs: number,
    private readonly routes: RouteResolver,
  ) {}

  async publish(input: PublishInput): Promise<BusMessage> {
    const now = Date.now();
    const ttl = input.ttlMs ?? this.defaultTtlMs;
    const message: BusMessage = {
      id: randomUUID(),
      topic: input.topic,
      payload: input.payload,
      qos: input.qos,
      retain: input.retain,
      origin: this.origin,
      clientId: input.clientId,
      publishedAt: now,
      expiresAt: ttl > 0 ? now + ttl : 0,
    };
    // One lane per publisher keeps its order; the API has no client id, so it spreads by topic.
    const laneKey = input.clientId || input.topic;
    const version = this.routes.version;
    const tags = this.routes.tags(message.topic, message.retain);
    await this.producer.publish(message, laneKey, tags.length > 0 ? tags : [NOBODY_TAG]);
    await this.catchUpWithRoutes(message, laneKey, version, tags);
    if (message.retain) await this.retained.put(message);
    return message;
  }

  /**
   * A subscription made while the message was being sent may not be in the routes it was sent
   * with. Reading the route version after SEND_OK, and sending to the edges that became interested
   * meanwhile, means every subscription acknowledged before the message was accepted gets it.
   */
  private async catchUpWithRoutes(message: BusMessage, laneKey: string, version: number, sent: string[]): Promise<void> {
    if (sent.includes(BROADCAST_TAG)) return;
    await this.routes.refresh();
    if (this.routes.version === version) return;
    const missing = this.routes.tags(message.topic, message.retain).filter((t) => !sent.includes(t));
    if (missing.length > 0) await this.producer.publish(message, laneKey, missing);
  }
}
