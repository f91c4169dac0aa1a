import type { PushStatusStore, Receipt } from '../cluster/push-status-store.js';
import type { Logger } from '../log.js';
import { backoffMs, sleep } from '../timing.js';

/** Receipts waiting past this many are written at once instead of at the next tick. */
const FLUSH_AT = 500;
/** Receipts not written after this many failed attempts are dropped (and logged). */
const MAX_ATTEMPTS = 5;

/**
 * Collects this edge's delivery receipts for pushes (written to a device, acknowledged by it) and
 * writes them to the push status in one Redis round trip per tick, off the delivery path: a slow
 * Redis delays the status, never a device.
 */
export class PushReceipts {
  private queue: Receipt[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  readonly stats = { receiptsWritten: 0, receiptsDropped: 0 };

  constructor(private readonly store: PushStatusStore, private readonly log: Logger, private readonly tickMs = 100) {}

  start(): void {
    this.timer = setInterval(() => { void this.flush(); }, this.tickMs);
    this.timer.unref();
  }

  add(pushId: string, deviceId: string, state: Receipt['state']): void {
    this.queue.push({ pushId, deviceId, state });
    if (this.queue.length >= FLUSH_AT) void this.flush();
  }

  /** Writes what is queued; the next flush starts after this one, so receipts keep their order. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.receipts(batch);
        this.stats.receiptsWritten += batch.length;
        return;
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS) {
          this.stats.receiptsDropped += batch.length;
          this.log.error('push receipts dropped', { count: batch.length, error: String(err) });
          return;
        }
        await sleep(backoffMs(attempt, { firstMs: 200, maxMs: 2000 }));
      }
    }
  }
}
