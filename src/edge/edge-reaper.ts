import type { PublishService } from '../bus/publish-service.js';
import type { EdgeRegistry } from '../cluster/edge-registry.js';
import type { RouteTable } from '../cluster/route-table.js';
import type { SessionRegistry } from '../cluster/session-registry.js';
import type { WillStore } from '../cluster/will-store.js';
import type { Logger } from '../log.js';

/** How long one edge holds the right to reap a dead one (longer than any reaping takes). */
const REAPING_CLAIM_MS = 60_000;

export interface EdgeReaperDeps {
  selfId: string;
  leaseMs: number;
  edges: EdgeRegistry;
  sessions: SessionRegistry;
  wills: WillStore;
  publisher: PublishService;
  routes: RouteTable;
  log: Logger;
}

/**
 * Every live edge watches the others' heartbeats. When one has not been seen for a lease, the
 * first edge to take the reaping lock publishes the wills of its devices (durably, like any
 * publish), marks their sessions offline, and removes the dead edge's entry.
 */
export class EdgeReaper {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  readonly stats = { edgesReaped: 0, willsPublished: 0 };

  constructor(private readonly deps: EdgeReaperDeps) {}

  start(everyMs: number): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = true;
      this.sweep().catch((err: unknown) => this.deps.log.warn('edge reaper sweep failed', { error: String(err) }))
        .finally(() => { this.running = false; });
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async sweep(): Promise<void> {
    const { selfId, leaseMs, edges, log } = this.deps;
    const now = Date.now();
    for (const edge of await edges.list()) {
      if (edge.id === selfId || now - edge.seenAt < leaseMs) continue;
      if (!(await edges.claimReaping(edge.id, selfId, REAPING_CLAIM_MS))) continue;
      log.warn('edge missed its lease, taking over its wills and sessions', { deadEdgeId: edge.id, lastSeenMsAgo: now - edge.seenAt });
      await this.reap(edge.id);
    }
  }

  /**
   * An edge restarted under the same id after a crash would otherwise keep its earlier life's
   * wills and sessions forever (its fresh heartbeat hides the crash from the other edges).
   */
  async reapPreviousLife(): Promise<void> {
    await this.reap(this.deps.selfId, false);
  }

  private async reap(deadId: string, removeRecord = true): Promise<void> {
    const { wills, sessions, publisher, edges, routes, log } = this.deps;
    const pending = await wills.all(deadId);
    for (const will of pending) {
      await publisher.publish({ topic: will.topic, payload: will.payload, qos: will.qos, retain: will.retain, clientId: will.clientId });
      this.stats.willsPublished++;
      log.info('published the will of a device on a dead edge', { deadEdgeId: deadId, clientId: will.clientId, topic: will.topic });
    }
    await wills.clear(deadId);
    if (removeRecord) await routes.clear(deadId);
    const offline = await sessions.releaseAllOf(deadId);
    if (removeRecord) await edges.remove(deadId);
    this.stats.edgesReaped++;
    log.info('dead edge reaped', { deadEdgeId: deadId, wills: pending.length, sessionsOffline: offline.length });
  }
}
