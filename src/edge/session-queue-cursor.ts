import type { Logger } from '../log.js';

/**
 * Where a batch read from a session's queue stands against the session's own record of its
 * progress (`next`, the offset of the first batch the device has not acknowledged, kept in Redis):
 * - `acknowledged`: an older position of the reader handed out a batch the device already had;
 * - `next`: the batch the session is waiting for;
 * - `ahead`: batches between `next` and this one were skipped by the reader.
 */
export type BatchPlace = 'acknowledged' | 'next' | 'ahead';

export function placeOf(offset: number, next: number): BatchPlace {
  if (offset < next) return 'acknowledged';
  return offset === next ? 'next' : 'ahead';
}

/** Moves the broker's read position of one session queue. */
export interface QueueRepositioner {
  reposition(liteTopic: string, offset: number): Promise<void>;
}

export interface CursorOptions {
  /** Moves of the reader back to the same `next` before a gap is taken as real. */
  maxAttempts: number;
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
}

/**
 * Keeps each session queue's reader where the session is. RocketMQ keeps the read position of a
 * lite topic in memory and writes it to disk every few seconds: a broker that is killed comes
 * back with an older position (batches the device acknowledged are handed out again) or with
 * none, and then starts at the end of the queue, skipping what the device has not had yet. The
 * session knows better: it is moved back to `next` and the batch that came too early is put back.
 * Should the queue itself no longer hold the skipped batches (deleted by retention), the batch is
 * taken after `maxAttempts` moves, and the gap is logged and counted.
 */
export class SessionQueueCursor {
  readonly stats: CursorStats = { sessionReaderMovedBack: 0, sessionBatchesMissing: 0, sessionBatchesAlreadyDone: 0 };
  private readonly attempts = new Map<string, Attempt>();
  private readonly now: () => number;

  constructor(private readonly reader: QueueRepositioner, private readonly log: Logger, private readonly opts: CursorOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * What to do with the batch at `offset`: `skip` (already acknowledged), `deliver`, or `later`
   * (put back: the reader was moved to `next`, or is being moved).
   */
  async check(liteTopic: string, offset: number, next: number, clientId: string): Promise<'skip' | 'deliver' | 'later'> {
    if (offset < 0) return 'deliver';
    const place = placeOf(offset, next);
    if (place === 'acknowledged') {
      this.stats.sessionBatchesAlreadyDone++;
      return 'skip';
    }
    if (place === 'next') {
      this.attempts.delete(liteTopic);
      return 'deliver';
    }
    const now = this.now();
    let attempt = this.attempts.get(liteTopic);
    if (attempt && attempt.next === next) {
      if (now - attempt.at < this.opts.retryAfterMs) return 'later';
      if (attempt.attempts >= this.opts.maxAttempts) {
        this.attempts.delete(liteTopic);
        this.stats.sessionBatchesMissing += offset - next;
        this.log.error('session queue no longer holds batches the device has not had: delivering from the next one it holds', {
          clientId, liteTopic, missingFrom: next, missingTo: offset - 1, attempts: attempt.attempts,
        });
        return 'deliver';
      }
    } else {
      attempt = { next, attempts: 0, at: now };
      this.attempts.set(liteTopic, attempt);
    }
    this.log.warn('session queue reader skipped batches: moving it back', { clientId, liteTopic, next, offset, attempt: attempt.attempts + 1 });
    // Only a move RocketMQ accepted counts: a broker still away must not make a gap look real.
    await this.reader.reposition(liteTopic, next);
    attempt.attempts++;
    attempt.at = now;
    this.stats.sessionReaderMovedBack++;
    return 'later';
  }

  /** The session left this edge: its queue's history here is of no use any more. */
  forget(liteTopic: string): void {
    this.attempts.delete(liteTopic);
  }
}
