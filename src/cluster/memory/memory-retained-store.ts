import { isExpired, type BusMessage } from '../../message/envelope.js';
import type { RetainedStore } from '../retained-store.js';

/** Retained messages in this process (unit tests, and any single process that needs no Redis). */
export class MemoryRetainedStore implements RetainedStore {
  private readonly messages = new Map<string, BusMessage>();
  /** Per topic, the publication time of the last write that won (kept after a clear, as in Redis). */
  private readonly clock = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  put(message: BusMessage): Promise<boolean> {
    const at = this.clock.get(message.topic);
    if (at !== undefined && at > message.publishedAt) return Promise.resolve(false);
    if (message.payload.length === 0) this.messages.delete(message.topic);
    else this.messages.set(message.topic, { ...message, payload: Buffer.from(message.payload) });
    this.clock.set(message.topic, message.publishedAt);
    return Promise.resolve(true);
  }

  all(): Promise<BusMessage[]> {
    const now = this.now();
    const out: BusMessage[] = [];
    for (const [topic, m] of this.messages) {
      if (!isExpired(m, now)) { out.push({ ...m, payload: Buffer.from(m.payload) }); continue; }
      this.messages.delete(topic);
      this.clock.delete(topic);
    }
    return Promise.resolve(out);
  }
}
