import type { Aedes, PublishPacket } from 'aedes';
import { isExpired, type BusMessage } from '../message/envelope.js';
import type { Logger } from '../log.js';
import { FROM_BUS } from './bus-emitter.js';
import { nextBrokerCounter } from './aedes-adapter.js';

export interface RetainedPersistence {
  storeRetained(packet: object): Promise<void>;
}

/**
 * Hands messages that came from RocketMQ to this edge's subscribers, and keeps this edge's copy of
 * the retained messages: newest publishedAt wins, whether it came from Redis at start or the bus.
 */
export class LocalDelivery {
  private readonly retainedClock = new Map<string, number>();
  private readonly retainedExpiry = new Map<string, NodeJS.Timeout>();
  readonly stats = { delivered: 0, expired: 0 };

  constructor(
    private readonly broker: Aedes,
    private readonly persistence: RetainedPersistence,
    private readonly log: Logger,
    /** Told the broker counter a push message enters aedes with (its receipts are found by it). */
    private readonly labelPush: (brokerCounter: number, pushId: string) => void = () => undefined,
    /**
     * Resolves when local dispatch can take more. Waiting here holds the RocketMQ batch unacked,
     * and the consumer stops receiving once its cache is full: the backlog stays in RocketMQ.
     */
    private readonly room: () => Promise<void> | undefined = () => undefined,
  ) {}

  async deliver(messages: BusMessage[]): Promise<void> {
    const done: Promise<void>[] = [];
    const now = Date.now();
    let expired = 0;
    for (const m of messages) {
      if (m.retain) await this.applyRetained(m);
      if (isExpired(m, now)) { expired++; continue; }
      const full = this.room();
      if (full) await full;
      // Started in order and not awaited one by one: aedes keeps the order of publish() calls.
      done.push(this.publishLocally(m));
    }
    this.stats.delivered += done.length;
    if (expired > 0) {
      this.stats.expired += expired;
      this.log.info('expired messages not delivered', { count: expired, expiredTotal: this.stats.expired });
    }
    await Promise.all(done);
  }

  async applyRetained(m: BusMessage): Promise<void> {
    if ((this.retainedClock.get(m.topic) ?? -1) > m.publishedAt) return;
    this.retainedClock.set(m.topic, m.publishedAt);
    clearTimeout(this.retainedExpiry.get(m.topic));
    this.retainedExpiry.delete(m.topic);
    // An expired retained message still replaces the older one: there is simply none left.
    const payload = isExpired(m, Date.now()) ? Buffer.alloc(0) : m.payload;
    await this.storeRetained(m.topic, payload, m.qos);
    if (payload.length > 0 && m.expiresAt > 0) {
      const timer = setTimeout(() => {
        this.retainedExpiry.delete(m.topic);
        if (this.retainedClock.get(m.topic) !== m.publishedAt) return;
        this.storeRetained(m.topic, Buffer.alloc(0), m.qos)
          .catch((err: unknown) => this.log.warn('expiring a retained message failed', { topic: m.topic, error: String(err) }));
      }, Math.min(m.expiresAt - Date.now() + 1, 2 ** 31 - 1));
      timer.unref();
      this.retainedExpiry.set(m.topic, timer);
    }
  }

  private storeRetained(topic: string, payload: Buffer, qos: number): Promise<void> {
    // aedes' persistence deletes the retained message of a topic when given an empty payload.
    return this.persistence.storeRetained({
      cmd: 'publish', topic, payload, qos, retain: true, dup: false, brokerId: FROM_BUS, brokerCounter: 0,
    });
  }

  stop(): void {
    for (const t of this.retainedExpiry.values()) clearTimeout(t);
    this.retainedExpiry.clear();
  }

  private publishLocally(m: BusMessage): Promise<void> {
    const packet = {
      cmd: 'publish', topic: m.topic, payload: m.payload, qos: m.qos, retain: false, dup: false,
      brokerId: FROM_BUS,
    } as unknown as PublishPacket & { brokerCounter?: number };
    if (m.pushId) {
      // Taken from aedes' own counter, as aedes would: its per-client dedupe wants it to grow.
      packet.brokerCounter = nextBrokerCounter(this.broker);
      this.labelPush(packet.brokerCounter, m.pushId);
    }
    return new Promise((resolve) => {
      this.broker.publish(packet, (err) => {
        if (err) this.log.warn('local delivery failed', { topic: m.topic, messageId: m.id, error: String(err) });
        resolve();
      });
    });
  }
}
