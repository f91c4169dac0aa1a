import type { PushStatusStore } from '../cluster/push-status-store.js';
import type { Logger } from '../log.js';

/**
 * Marks what a push did not deliver before its expiry as expired (the status endpoint counts it and
 * the webhook reports it). Runs in every API process; the store lets exactly one sweep each push.
 */
export class ExpirySweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  readonly stats = { pushesSwept: 0, devicesExpired: 0 };

  constructor(private readonly status: PushStatusStore, private readonly log: Logger, private readonly intervalMs = 1000) {}

  start(): void {
    this.timer = setInterval(() => { this.running = this.running.then(async () => { await this.sweep(); }); }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass over the pushes that are due; answers how many it swept. */
  async sweep(now = Date.now()): Promise<number> {
    let swept = 0;
    try {
      for (const id of await this.status.due(now, 100)) {
        const n = await this.status.expire(id, now);
        if (n < 0) continue;
        swept++;
        this.stats.pushesSwept++;
        this.stats.devicesExpired += n;
        if (n > 0) this.log.info('push expired on devices it did not reach', { pushId: id, devices: n });
      }
    } catch (err) {
      this.log.warn('push expiry sweep failed', { error: String(err) });
    }
    return swept;
  }
}
