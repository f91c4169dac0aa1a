/**
 * Restores the send order of numbered batches on the reading side. A producer lane keeps several
 * batches in flight at once (the wait for RocketMQ's answer is no longer in the path of the next
 * batch), so two batches of one lane may be stored, and read, in either order; and a batch whose
 * receive was lost (a proxy killed while it handed the batch over) comes back only after its
 * invisible time, behind later ones. Each batch carries its lane's stream id, a sequence number,
 * and, per delivery tag whose readers also read it, the lane's previous batch of that tag
 * (Batch.previous). A batch is handed on once those of them this reader reads have been.
 *
 * The sequence runs across all of a lane's delivery tags, and a reader reads only some tags, so
 * its numbers have holes: a batch waits only for what it names, never for the next number. A
 * reader meeting a stream for the first time waits only for what was unanswered when the batch was
 * sent: the rest was stored before, possibly before this reader started reading.
 *
 * A batch that waits is held until what it waits for comes, or for `holdMs` at most: then what is
 * still missing is given up on, the batch and every held one before it are handed on in order,
 * and a batch that arrives after it was given up on is handed on at once ("late"). Nothing is ever
 * dropped here: a missing batch is usually one still being retried, or one whose producer died
 * before RocketMQ stored it (then none of the batches after it were acknowledged to their
 * publishers either, since a lane acknowledges in order).
 */

export interface StreamOrderOptions<T> {
  /** Longest a batch waits for a missing earlier one of its stream. */
  holdMs: number;
  /** Batches held for one stream at most; past it the oldest one stops waiting at once. */
  maxHeld: number;
  /** Streams remembered at most; the least recently seen one with nothing held is forgotten. */
  maxStreams: number;
  /** Receives batches in stream order, one call per batch. */
  release: (item: T) => void;
  /** Told of the batches given up on, each time a held one stops waiting (metrics, log). */
  onGapSkipped?: (stream: string, missing: number[]) => void;
  /** Receives a second copy of a batch already held (never released: the held one is). */
  dropped?: (item: T) => void;
}

export interface StreamOrderStats {
  /** Batches that had to wait for an earlier one. */
  held: number;
  /** Times a held batch stopped waiting for a missing one (hold time or maxHeld). */
  gapsSkipped: number;
  /** Batches that came after they had been given up on: handed on out of order. */
  late: number;
  /** Batches waiting now. */
  holding: number;
}

/** A batch before this one that a reader may have to wait for. */
export interface Predecessor {
  seq: number;
  /** Not answered when the batch was sent: a reader new to the stream waits for it too. */
  unanswered: boolean;
}

interface Held<T> {
  item: T;
  /** Earlier batches not yet seen here. */
  waits: Set<number>;
  since: number;
}

interface Stream<T> {
  held: Map<number, Held<T>>;
  /** Recently handed on, oldest first (bounded: see remember()). */
  released: Set<number>;
  /** Given up on and not seen since. */
  skipped: Set<number>;
  /** Highest number forgotten from `released`; anything this old counts as seen. */
  forgottenUpTo: number;
  timer: NodeJS.Timeout | null;
}

/**
 * Numbers remembered per stream. What a batch names is its tags' last batches, which a reader has
 * just seen; anything older than what is remembered counts as seen. Kept small: an edge remembers
 * every lane of every producer (edges x BATCH_LANES streams).
 */
const REMEMBERED = 64;

export class StreamOrder<T> {
  private readonly streams = new Map<string, Stream<T>>();
  readonly stats: StreamOrderStats = { held: 0, gapsSkipped: 0, late: 0, holding: 0 };

  constructor(private readonly opts: StreamOrderOptions<T>) {}

  /** `previous`: the batch's predecessors that this reader reads (see Batch.previous). */
  accept(streamId: string, seq: number, item: T, previous: readonly Predecessor[] = []): void {
    let stream = this.streams.get(streamId);
    const met = stream !== undefined;
    if (stream) {
      // Most recently seen last: the map's order is what eviction goes by.
      this.streams.delete(streamId);
      this.streams.set(streamId, stream);
    } else {
      stream = { held: new Map(), released: new Set(), skipped: new Set(), forgottenUpTo: -1, timer: null };
      this.streams.set(streamId, stream);
      this.evict();
    }
    if (stream.held.has(seq)) { this.opts.dropped?.(item); return; }
    if (stream.skipped.delete(seq)) {
      this.stats.late++;
      this.hand(stream, seq, item);
      this.releaseReady(stream);
      this.rearm(streamId, stream);
      return;
    }
    const waits = new Set<number>();
    for (const p of previous) if (p.seq < seq && (met || p.unanswered) && !this.seen(stream, p.seq)) waits.add(p.seq);
    if (waits.size === 0) {
      this.hand(stream, seq, item);
      this.releaseReady(stream);
      this.rearm(streamId, stream);
      return;
    }
    stream.held.set(seq, { item, waits, since: Date.now() });
    this.stats.held++;
    this.stats.holding++;
    if (stream.held.size > this.opts.maxHeld) {
      this.giveUpThrough(streamId, stream, lowest(stream.held.keys()));
      this.rearm(streamId, stream);
    } else if (!stream.timer) {
      this.arm(streamId, stream);
    }
  }

  /** Releases every held batch in order and forgets every stream (the reader stops). */
  flush(): void {
    for (const stream of this.streams.values()) {
      if (stream.timer) clearTimeout(stream.timer);
      for (const seq of [...stream.held.keys()].sort((a, b) => a - b)) {
        const held = stream.held.get(seq)!;
        stream.held.delete(seq);
        this.stats.holding--;
        this.opts.release(held.item);
      }
    }
    this.streams.clear();
  }

  private seen(stream: Stream<T>, seq: number): boolean {
    return seq <= stream.forgottenUpTo || stream.released.has(seq) || stream.skipped.has(seq);
  }

  private hand(stream: Stream<T>, seq: number, item: T): void {
    this.remember(stream, seq);
    this.opts.release(item);
  }

  private remember(stream: Stream<T>, seq: number): void {
    stream.released.add(seq);
    if (stream.released.size <= REMEMBERED) return;
    const oldest = stream.released.values().next().value as number;
    stream.released.delete(oldest);
    if (oldest > stream.forgottenUpTo) stream.forgottenUpTo = oldest;
  }

  /** Hands on, lowest first, every held batch that waits for nothing any more. */
  private releaseReady(stream: Stream<T>): void {
    for (let progress = true; progress && stream.held.size > 0;) {
      progress = false;
      for (const seq of [...stream.held.keys()].sort((a, b) => a - b)) {
        const held = stream.held.get(seq)!;
        for (const s of held.waits) if (this.seen(stream, s)) held.waits.delete(s);
        if (held.waits.size > 0) continue;
        stream.held.delete(seq);
        this.stats.holding--;
        this.hand(stream, seq, held.item);
        progress = true;
      }
    }
  }

  /**
   * Stops waiting for whatever `upTo` and every held batch before it still miss, and hands them on
   * in order: a batch given up on comes "late" if it comes at all.
   */
  private giveUpThrough(streamId: string, stream: Stream<T>, upTo: number): void {
    const missing = new Set<number>();
    for (const [seq, held] of stream.held) if (seq <= upTo) for (const s of held.waits) if (!stream.held.has(s)) missing.add(s);
    if (missing.size > 0) {
      this.stats.gapsSkipped++;
      for (const s of missing) stream.skipped.add(s);
      while (stream.skipped.size > REMEMBERED) stream.skipped.delete(stream.skipped.values().next().value as number);
      this.opts.onGapSkipped?.(streamId, [...missing].sort((a, b) => a - b));
    }
    this.releaseReady(stream);
  }

  private arm(streamId: string, stream: Stream<T>): void {
    let oldest = Infinity;
    for (const held of stream.held.values()) if (held.since < oldest) oldest = held.since;
    stream.timer = setTimeout(() => {
      stream.timer = null;
      const due = Date.now() - this.opts.holdMs;
      let upTo = -Infinity;
      for (const [seq, held] of stream.held) if (held.since <= due && seq > upTo) upTo = seq;
      if (upTo > -Infinity) this.giveUpThrough(streamId, stream, upTo);
      if (stream.held.size > 0) this.arm(streamId, stream);
    }, Math.max(0, oldest + this.opts.holdMs - Date.now()));
    stream.timer.unref();
  }

  /** After a release: the timer follows the oldest batch still held, if any. */
  private rearm(streamId: string, stream: Stream<T>): void {
    if (stream.timer) { clearTimeout(stream.timer); stream.timer = null; }
    if (stream.held.size > 0) this.arm(streamId, stream);
  }

  private evict(): void {
    if (this.streams.size <= this.opts.maxStreams) return;
    for (const [id, stream] of this.streams) {
      if (this.streams.size <= this.opts.maxStreams) return;
      if (stream.held.size === 0) this.streams.delete(id);
    }
  }
}

function lowest(seqs: Iterable<number>): number {
  let min = Infinity;
  for (const s of seqs) if (s < min) min = s;
  return min;
}
