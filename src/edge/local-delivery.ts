import type { Aedes, PublishPacket } from 'aedes';
import type { BusMessage } from '../bus/envelope.js';
import type { Logger } from '../log.js';
import { FROM_BUS } from './bus-emitter.js';

export interface RetainedPersistence {
  storeRetained(packet: object): Promise<void>;
}

/**
 * Hands messages that came from RocketMQ to this edge's subscribers, and keeps this edge's copy of
 * the retained messages: newest publishedAt wins, whether it came from Redis at start or the bus.
 */
export class LocalDelivery {
  private readonly retainedClock = new Map<string, number>();

  constructor(
    private readonly broker: Aedes,
    private readonly persistence: RetainedPersistence,
    private readonly log: Logger,
  ) {}

  async deliver(messages: BusMessage[]): Promise<void> {
    const done: Promise<void>[] = [];
    for (const m of messages) {
      if (m.retain) await this.applyRetained(m);
      // Started in order and not awaited one by one: aedes keeps the order of publish() calls.
      done.push(this.publishLocally(m));
    }
    await Promise.all(done);
  }

  async applyRetained(m: BusMessage): Promise<void> {
    if ((this.retainedClock.get(m.topic) ?? -1) > m.publishedAt) return;
    this.retainedClock.set(m.topic, m.publishedAt);
    await this.persistence.storeRetained({
      cmd: 'publish', topic: m.topic, payload: m.payload, qos: m.qos, retain: true, dup: false,
      brokerId: FROM_BUS, brokerCounter: 0,
    });
  }

  private publishLocally(m: BusMessage): Promise<void> {
    const packet = {
      cmd: 'publish', topic: m.topic, payload: m.payload, qos: m.qos, retain: false, dup: false,
      brokerId: FROM_BUS,
    } as unknown as PublishPacket;
    return new Promise((resolve) => {
      this.broker.publish(packet, (err) => {
        if (err) this.log.warn('local delivery failed', { topic: m.topic, messageId: m.id, error: String(err) });
        resolve();
      });
    });
  }
}
