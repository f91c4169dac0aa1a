import type { RouteDiff, RouteTable } from '../cluster/route-table.js';
import type { RouteAnnouncer } from './bus-emitter.js';

interface Pending {
  kind: 'add' | 'remove';
  filter: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Changes written to Redis in one transaction at most: a subscribe storm goes in a few round trips. */
const MAX_CHANGES_PER_WRITE = 1000;

/**
 * This edge's only writer of its route set in Redis: additions, removals and the periodic check
 * against the local subscriptions go one after the other. The check reads the set and rewrites it
 * when it differs from the local filters; run beside an addition, it could read the set with the new
 * filter, compare it with a list taken before the subscription, and delete the filter again: a
 * subscriber that had its SUBACK then missed what was published until the next check (test 115 lost
 * a device's publish this way). In one queue the check takes its list when no write is in flight,
 * and every later write lands after its rewrite. Additions and removals waiting together are
 * written in one transaction, so a reconnect storm still costs few round trips.
 */
export class RouteWriter implements RouteAnnouncer {
  private pending: Pending[] = [];
  private checks: { filters: () => string[]; resolve: (diff: RouteDiff | null) => void; reject: (err: unknown) => void }[] = [];
  private running = false;

  constructor(private readonly table: RouteTable, private readonly edgeId: string) {}

  add(filter: string): Promise<void> {
    return this.enqueue('add', filter);
  }

  remove(filter: string): Promise<void> {
    return this.enqueue('remove', filter);
  }

  /**
   * Makes the route set in Redis equal to `filters()`, read when every write before it is done;
   * what differed, or null.
   */
  reconcile(filters: () => string[]): Promise<RouteDiff | null> {
    return new Promise((resolve, reject) => {
      this.checks.push({ filters, resolve, reject });
      this.kick();
    });
  }

  private enqueue(kind: Pending['kind'], filter: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ kind, filter, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.pending.length > 0) {
        await this.write(this.pending.splice(0, MAX_CHANGES_PER_WRITE));
      } else if (this.checks.length > 0) {
        const checks = this.checks.splice(0);
        try {
          const rewritten = await this.table.reconcile(this.edgeId, checks[checks.length - 1]!.filters());
          for (const c of checks) c.resolve(rewritten);
        } catch (err) {
          for (const c of checks) c.reject(err);
        }
      } else {
        // Cleared in the same turn as the last check for work: a caller resumed by the last write
        // and asking again right away must find the queue idle and start it.
        this.running = false;
        return;
      }
    }
  }

  /** The batch's net effect per filter (its last change wins), in one transaction. */
  private async write(batch: Pending[]): Promise<void> {
    const last = new Map<string, Pending['kind']>();
    for (const p of batch) last.set(p.filter, p.kind);
    const adds = [...last].filter(([, k]) => k === 'add').map(([f]) => f);
    const removes = [...last].filter(([, k]) => k === 'remove').map(([f]) => f);
    try {
      await this.table.change(this.edgeId, adds, removes);
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
