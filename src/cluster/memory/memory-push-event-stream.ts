import type { PushEvent, PushEventStream, StoredPushEvent } from '../push-event-stream.js';

/**
 * The push events of a MemoryPushStatusStore (its `events` list, appended to as it records
 * changes) read as one consumer group, with the Redis stream's rules.
 */
export class MemoryPushEventStream implements PushEventStream {
  /** Index of the first event no consumer has read; -1 before the group exists. */
  private unread = -1;
  private readonly pendingWith = new Map<number, { consumer: string; since: number }>();

  constructor(private readonly events: readonly PushEvent[], private readonly now: () => number = Date.now) {}

  join(): Promise<void> {
    if (this.unread < 0) this.unread = this.events.length;
    return Promise.resolve();
  }

  pending(consumer: string, count: number): Promise<StoredPushEvent[]> {
    const mine = [...this.pendingWith].filter(([, p]) => p.consumer === consumer).map(([i]) => i).sort((a, b) => a - b);
    return Promise.resolve(mine.slice(0, count).map((i) => this.stored(i)));
  }

  async next(consumer: string, count: number, waitMs: number): Promise<StoredPushEvent[]> {
    if (this.unread < 0) throw new Error('the push event stream was not joined');
    const deadline = this.now() + waitMs;
    while (this.unread >= this.events.length && this.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const taken: StoredPushEvent[] = [];
    while (this.unread < this.events.length && taken.length < count) {
      this.pendingWith.set(this.unread, { consumer, since: this.now() });
      taken.push(this.stored(this.unread++));
    }
    return taken;
  }

  claimStale(consumer: string, idleMs: number, count: number): Promise<void> {
    let claimed = 0;
    for (const [i, p] of [...this.pendingWith].sort(([a], [b]) => a - b)) {
      if (claimed >= count) break;
      if (this.now() - p.since < idleMs) continue;
      this.pendingWith.set(i, { consumer, since: this.now() });
      claimed++;
    }
    return Promise.resolve();
  }

  ack(ids: string[]): Promise<void> {
    for (const id of ids) this.pendingWith.delete(Number(id.split('-')[0]) - 1);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private stored(i: number): StoredPushEvent {
    return { id: `${i + 1}-0`, event: structuredClone(this.events[i]!) };
  }
}
