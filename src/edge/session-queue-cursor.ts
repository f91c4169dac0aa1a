import type { QueuePlace } from '../bus/feeds.js';
import { positionOf, type QueuePositions } from '../cluster/session-store.js';
import type { Logger } from '../log.js';

/**
 * Where a batch read from a broker group's queue of a session stands against the session's own
 * record of its progress there (`next`, the offset of the first batch of that queue the device has
 * not acknowledged, kept in Redis):
 * - `acknowledged`: an older position of the reader handed out a batch the device already had;
 * - `next`: the batch the session is waiting for;
 * - `ahead`: batches between `next` and this one were skipped by the reader.
 */
export type BatchPlace = 'acknowledged' | 'next' | 'ahead';

export function placeOf(offset: number, next: number): BatchPlace {
  if (offset < next) return 'acknowledged';
  return offset === next ? 'next' : 'ahead';
}

/**
 * Moves the read position of a session's lite topic. The move reaches every broker group that holds
 * a queue of it, all to the same offset: RocketMQ has no move for one group alone.
 */
export interface QueueRepositioner {
  reposition(liteTopic: string, offset: number): Promise<void>;
}

/**
 * Where to move a session's reader so that no group's queue skips what the device has not had.
 * A group whose queue is moved past its own last batch starts after it, so its unread batches would
 * be skipped for good: the move must not pass any group's position. It goes to the lowest known
 * position when the session has a position in every group of the route (`groups`); when some group
 * may hold a queue of the session the device never read from (its batches were sent there while
 * the home group was away), to 0. Batches a move hands out again that the device had are skipped
 * by their offset; only their reading is lost.
 */
export function rewindTarget(positions: QueuePositions, queue: string, groups: readonly string[]): number {
  const known = new Set(Object.keys(positions));
  if ('' in positions) return 0;
  // No route yet says nothing about the groups: as unsafe as a group never read from.
  if (groups.length === 0 || !known.has(queue) || groups.some((g) => !known.has(g))) return 0;
  return Math.min(...Object.values(positions));
}

export interface CursorOptions {
  /** Moves of the reader back to the same `next` before a gap is taken as real. */
  maxAttempts: number;
  /** The broker groups of the session topic's route (see rewindTarget). */
  groups: () => readonly string[];
  /** Least time between two moves back to the same `next`. */
  retryAfterMs: number;
  now?: () => number;
}

interface Attempt {
  next: number;
  attempts: number;
  at: number;
}

export interface CursorStats {
  /** Times a session queue's reader was moved back because it had skipped batches. */
  sessionReaderMovedBack: number;
  /** Batches skipped for good: the queue no longer had them after the reader was moved back. */
  sessionBatchesMissing: number;
  /** Batches handed out again that the device had already acknowledged (not delivered twice). */
  sessionBatchesAlreadyDone: number;
  /** Times a session queue was subscribed again because a batch waited for earlier ones read nowhere yet. */
  sessionReaderResubscribed: number;
}

/** Least time between two subscriptions again of one session queue for a batch waiting for order. */
export const RESUBSCRIBE_FOR_ORDER_MS = 3000;

/**
 * Keeps each session queue's reader where the session is. RocketMQ keeps the read position of a
 * lite topic in memory and writes it to disk every few seconds: a broker that is killed comes
 * back with an older position (batches the device acknowledged are handed out again) or with
 * none, and then starts at the end of the queue, skipping what the device has not had yet. The
 * session knows better, per broker group: the reader is moved back (see rewindTarget) and the
 * batch that came too early is put back. Should the queue itself no longer hold the skipped
 * batches (deleted by retention), the batch is taken after `maxAttempts` moves, and the gap is
 * logged and counted.
 */
export class SessionQueueCursor {
  readonly stats: CursorStats = { sessionReaderMovedBack: 0, sessionBatchesMissing: 0, sessionBatchesAlreadyDone: 0, sessionReaderResubscribed: 0 };
  private readonly attempts = new Map<string, Attempt>();
  /** Per session queue, when it was last subscribed again for a waiting batch. */
  private readonly resubscribed = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly reader: QueueRepositioner, private readonly log: Logger, private readonly opts: CursorOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * What to do with the batch at `place`: `skip` (already acknowledged), `deliver`, or `later`
   * (put back: the reader was moved back, or is being moved).
   */
  async check(liteTopic: string, place: QueuePlace, positions: QueuePositions, clientId: string): Promise<'skip' | 'deliver' | 'later'> {
    const { queue, offset } = place;
    if (offset < 0) return 'deliver';
    const next = positionOf(positions, queue);
    const where = placeOf(offset, next);
    const key = `${liteTopic}\u0000${queue}`;
    if (where === 'acknowledged') {
      this.stats.sessionBatchesAlreadyDone++;
      if (this.log.isDebugEnabled()) this.log.debug('session batch already acknowledged: skipped', { clientId, liteTopic, queue, offset, next });
      return 'skip';
    }
    if (where === 'next') {
      this.attempts.delete(key);
      return 'deliver';
    }
    const now = this.now();
    let attempt = this.attempts.get(key);
    if (attempt && attempt.next === next) {
      if (now - attempt.at < this.opts.retryAfterMs) return 'later';
      if (attempt.attempts >= this.opts.maxAttempts) {
        this.attempts.delete(key);
        this.stats.sessionBatchesMissing += offset - next;
        this.log.error('session queue no longer holds batches the device has not had: delivering from the next one it holds', {
          clientId, liteTopic, queue, missingFrom: next, missingTo: offset - 1, attempts: attempt.attempts,
        });
        return 'deliver';
      }
    } else {
      attempt = { next, attempts: 0, at: now };
      this.attempts.set(key, attempt);
    }
    const target = rewindTarget(positions, queue, this.opts.groups());
    this.log.warn('session queue reader skipped batches: moving it back', { clientId, liteTopic, queue, next, offset, target, attempt: attempt.attempts + 1 });
    // Only a move RocketMQ accepted counts: a broker still away must not make a gap look real.
    await this.reader.reposition(liteTopic, target);
    attempt.attempts++;
    attempt.at = now;
    this.stats.sessionReaderMovedBack++;
    return 'later';
  }

  /**
   * A batch of the session waits for earlier messages of its publisher that were accepted but have
   * not been read (see mustWaitForEarlier): they sit in another broker group's queue of the
   * session, which this reader is not served yet. A broker serves a lite topic to a subscriber
   * only where the topic existed when the subscription reached it, and the client repeats its full
   * subscription only every 30 s; a group whose queue of the session was created after the
   * subscription (its batches went there while the home group was away), or whose master was
   * replaced (the new one has no record of the subscription), stays unread until then, longer
   * than the batch may wait. Subscribing again reaches every group now; the move (see
   * rewindTarget) keeps every group's unread batches. At most once per RESUBSCRIBE_FOR_ORDER_MS.
   */
  async resubscribeForOrder(liteTopic: string, queue: string, positions: QueuePositions, clientId: string): Promise<void> {
    await this.resubscribe(liteTopic, positions, clientId, 'a batch waits for earlier messages not read yet', queue);
  }

  /**
   * Subscribes the session's queue again in every broker group, moved (see rewindTarget) so that
   * no group skips a batch the device has not had; at most once per RESUBSCRIBE_FOR_ORDER_MS.
   */
  async resubscribe(liteTopic: string, positions: QueuePositions, clientId: string, why: string, queue = Object.keys(positions)[0] ?? ''): Promise<void> {
    const now = this.now();
    const last = this.resubscribed.get(liteTopic);
    if (last !== undefined && now - last < RESUBSCRIBE_FOR_ORDER_MS) return;
    this.resubscribed.set(liteTopic, now);
    const target = rewindTarget(positions, queue, this.opts.groups());
    this.log.info('session queue subscribed again in every group', { clientId, liteTopic, why, queue, target });
    await this.reader.reposition(liteTopic, target);
    this.stats.sessionReaderResubscribed++;
  }

  /** The session left this edge: its queues' history here is of no use any more. */
  forget(liteTopic: string): void {
    this.resubscribed.delete(liteTopic);
    for (const key of this.attempts.keys()) {
      if (key.startsWith(`${liteTopic}\u0000`)) this.attempts.delete(key);
    }
  }
}
