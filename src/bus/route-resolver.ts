import type { RouteTable } from '../cluster/route-table.js';
import { RouteMatcher } from './route-matcher.js';

/**
 * The publisher's cached view of the route table. `refresh()` reads the version with a Redis call
 * issued after the caller asked, so that a caller whose send finished learns of every subscription
 * made before that moment. Callers share a refresh that has not been issued yet (one Redis call
 * for all the messages of a batch); once issued, later callers wait for the next one.
 */
export class RouteResolver {
  private matcher: RouteMatcher = new RouteMatcher(new Map(), 0);
  private current = -1;
  private queued: Promise<void> | null = null;
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly table: RouteTable, private readonly threshold: number) {}

  get version(): number { return this.current; }

  tags(topic: string, retain: boolean): string[] {
    return this.matcher.tags(topic, retain);
  }

  async start(): Promise<void> {
    await this.reload();
  }

  refresh(): Promise<void> {
    if (this.queued) return this.queued;
    const queued: Promise<void> = this.last.catch(() => undefined).then(() => {
      if (this.queued === queued) this.queued = null;
      return this.refreshNow();
    });
    this.queued = queued;
    this.last = queued;
    return queued;
  }

  private async refreshNow(): Promise<void> {
    if ((await this.table.version()) !== this.current) await this.reload();
  }

  private async reload(): Promise<void> {
    const { version, routes } = await this.table.snapshot();
    this.matcher = new RouteMatcher(routes, this.threshold);
    this.current = version;
  }
}
