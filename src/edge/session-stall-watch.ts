import type { QueuePositions } from '../cluster/session-store.js';
import type { Logger } from '../log.js';

export interface StallWatchDeps {
  /** The session's queue positions and when its oldest still queued message was published (null: none queued). */
  inspect(clientId: string): Promise<{ positions: QueuePositions; oldestQueuedAt: number | null }>;
  /** True while a batch of the queue is being handled here: waiting for the device is no stall. */
  busy(liteTopic: string): boolean;
  /** Subscribes the queue again in every broker group, at a position that skips nothing unread. */
  resubscribe(liteTopic: string, positions: QueuePositions, clientId: string): Promise<void>;
  log: Logger;
  /** A message queued this long while the reader made no progress, or moved past it, is a stall. */
  quietMs: number;
  /** Longest wait between two checks of one stalled queue (the wait doubles after each stall). */
  maxQuietMs: number;
  /** Queues inspected per tick at most, to bound the Redis reads of a burst. */
  perTick: number;
  now?: () => number;
}

interface Watched {
  clientId: string;
  /** When the queue is to be inspected next. */
  due: number;
  quietMs: number;
  /** When a batch of the queue was last done here (or the queue subscribed). */
  progressAt: number;
  /** The latest publication time among the messages of the batches done here. */
  readUpTo: number;
}

export interface StallWatchStats {
  /** Times a connected session's queue was found stalled and subscribed again. */
  sessionReaderStalled: number;
}

/**
 * Notices a persistent session's queue that RocketMQ stopped handing out while messages wait in it,
 * and subscribes it again. The broker hands out a lite topic only where its subscription reached
 * it: a group whose queue of the session appeared after the subscription (written while the home
 * group's master was replaced), or a new master that has no record of the subscription, serves it
 * only from the client's next full sync (every 30 s); and once an away session that reconnected was
 * served 32 of its 40 batches and then nothing for minutes. A queue counts as stalled when its
 * oldest queued message has waited `quietMs` and either no batch was done in that time, or a batch
 * done since held messages published `quietMs` after it (the reader went past it: it sits in
 * another group). Only queues with recent activity are watched: each is inspected `quietMs` after
 * its subscription or its last batch, and dropped when nothing is queued.
 */
export class SessionStallWatch {
  readonly stats: StallWatchStats = { sessionReaderStalled: 0 };
  private readonly watched = new Map<string, Watched>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;

  constructor(private readonly deps: StallWatchDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(everyMs = 1000): void {
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watched.clear();
  }

  /** The session's queue was subscribed here. */
  subscribed(liteTopic: string, clientId: string): void {
    const now = this.now();
    this.watched.set(liteTopic, { clientId, due: now + this.deps.quietMs, quietMs: this.deps.quietMs, progressAt: now, readUpTo: 0 });
  }

  /** A batch of the queue was done here, its newest message published at `publishedAt`. */
  progressed(liteTopic: string, clientId: string, publishedAt: number): void {
    const now = this.now();
    const w = this.watched.get(liteTopic);
    const readUpTo = Math.max(w?.readUpTo ?? 0, publishedAt);
    this.watched.set(liteTopic, { clientId, due: now + this.deps.quietMs, quietMs: this.deps.quietMs, progressAt: now, readUpTo });
  }

  /** The session left this edge. */
  forget(liteTopic: string): void {
    this.watched.delete(liteTopic);
  }

  get size(): number {
    return this.watched.size;
  }

  /** Inspects the queues that are due (called every second by start()). */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = this.now();
      const due: [string, Watched][] = [];
      for (const entry of this.watched) {
        if (entry[1].due <= now) due.push(entry);
        if (due.length >= this.deps.perTick) break;
      }
      await Promise.all(due.map(([liteTopic, w]) => this.check(liteTopic, w, now)));
    } finally {
      this.ticking = false;
    }
  }

  private async check(liteTopic: string, w: Watched, now: number): Promise<void> {
    const { quietMs } = w;
    w.due = now + quietMs;
    if (this.deps.busy(liteTopic)) return;
    let seen: { positions: QueuePositions; oldestQueuedAt: number | null };
    try {
      seen = await this.deps.inspect(w.clientId);
    } catch (err) {
      this.deps.log.warn('session queue inspection failed', { clientId: w.clientId, liteTopic, error: String(err) });
      return;
    }
    // Subscribed again, progressed or gone meanwhile: that newer state decides.
    if (this.watched.get(liteTopic) !== w) return;
    const { oldestQueuedAt } = seen;
    if (oldestQueuedAt === null) { this.watched.delete(liteTopic); return; }
    if (now - oldestQueuedAt < quietMs) { w.due = oldestQueuedAt + quietMs; return; }
    const noProgress = now - w.progressAt >= quietMs;
    const passedIt = w.readUpTo - oldestQueuedAt >= quietMs;
    if (!noProgress && !passedIt) return;
    this.stats.sessionReaderStalled++;
    this.deps.log.warn('session queue stalled with messages waiting: subscribing it again', {
      clientId: w.clientId, liteTopic, waitingMs: now - oldestQueuedAt, sinceProgressMs: now - w.progressAt, passedIt,
    });
    try {
      await this.deps.resubscribe(liteTopic, seen.positions, w.clientId);
    } catch (err) {
      this.deps.log.warn('session queue resubscribe failed', { clientId: w.clientId, liteTopic, error: String(err) });
    }
    // A queue that stays stalled (its group lost, or a place its publisher never filled) is
    // looked at less and less often.
    w.quietMs = Math.min(quietMs * 2, this.deps.maxQuietMs);
    w.due = now + w.quietMs;
  }
}
