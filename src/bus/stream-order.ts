/**
 * Restores the send order of numbered batches on the reading side. A producer lane keeps several
 * batches in flight at once (the wait for RocketMQ's answer is no longer in the path of the next
 * batch), so two batches of one lane may be stored, and read, in either order. Each batch carries
 * its lane's stream id and a sequence number; this puts them back in order before anything is
 * delivered.
 *
 * A batch that arrives ahead of a gap is held until the missing one comes, or for `holdMs` at most:
 * a gap that outlives it is skipped, and a batch that arrives after its place was skipped is
 * handed on at once ("late"). Nothing is ever dropped here: a missing batch is usually one still
 * being retried, or one whose producer died before RocketMQ stored it (then none of the batches
 * after it were acknowledged to their publishers either, since a lane acknowledges in order).
 */

export interface StreamOrderOptions<T> {
  /** Longest a batch waits for a missing earlier one of its stream. */
  holdMs: number;
  /** Batches held for one stream at most; past it the oldest gap is skipped at once. */
  maxHeld: number;
  /** Streams remembered at most; the least recently seen one with nothing held is forgotten. */
  maxStreams: number;
  /** Receives batches in stream order, one call per batch. */
  release: (item: T) => void;
  /** Told of each gap skipped (metrics, log). */
  onGapSkipped?: (stream: string, from: number, to: number) => void;
  /** Receives a second copy of a batch already held (never released: the held one is). */
  dropped?: (item: T) => void;
}

export interface StreamOrderStats {
  /** Batches that had to wait for an earlier one. */
  held: number;
  /** Gaps given up on after the hold time (or past maxHeld). */
  gapsSkipped: number;
  /** Batches that came after their place had been skipped: handed on out of order. */
  late: number;
  /** Batches waiting now. */
  holding: number;
}

interface Stream<T> {
  /** The sequence number released next. */
  next: number;
  held: Map<number, T>;
  timer: NodeJS.Timeout | null;
}

export class StreamOrder<T> {
  private readonly streams = new Map<string, Stream<T>>();
  readonly stats: StreamOrderStats = { held: 0, gapsSkipped: 0, late: 0, holding: 0 };

  constructor(private readonly opts: StreamOrderOptions<T>) {}

  /** `floor`: the lane's oldest batch still unanswered when this one was sent (see Batch.floor). */
  accept(streamId: string, seq: number, item: T, floor = seq): void {
    let stream = this.streams.get(streamId);
    if (stream) {
      // Most recently seen last: the map's order is what eviction goes by.
      this.streams.delete(streamId);
      this.streams.set(streamId, stream);
    } else {
      // A stream seen for the first time starts at its floor: what was in flight with this batch
      // may still come (a new lane's first batches, say); what came before was stored before it.
      stream = { next: Math.min(seq, floor), held: new Map(), timer: null };
      this.streams.set(streamId, stream);
      this.evict();
    }
    if (seq < stream.next) {
      this.stats.late++;
      this.opts.release(item);
      return;
    }
    if (seq > stream.next) {
      if (stream.held.has(seq)) { this.opts.dropped?.(item); return; }
      stream.held.set(seq, item);
      this.stats.held++;
      this.stats.holding++;
      if (stream.held.size > this.opts.maxHeld) this.skipGap(streamId, stream);
      else if (!stream.timer) this.arm(streamId, stream);
      return;
    }
    this.opts.release(item);
    stream.next = seq + 1;
    this.releaseRun(stream);
    this.rearm(streamId, stream);
  }

  /** Releases every held batch in order and forgets every stream (the reader stops). */
  flush(): void {
    for (const stream of this.streams.values()) {
      if (stream.timer) clearTimeout(stream.timer);
      for (const seq of [...stream.held.keys()].sort((a, b) => a - b)) {
        const item = stream.held.get(seq)!;
        stream.held.delete(seq);
        this.stats.holding--;
        this.opts.release(item);
      }
    }
    this.streams.clear();
  }

  private releaseRun(stream: Stream<T>): void {
    for (let item = stream.held.get(stream.next); item !== undefined; item = stream.held.get(stream.next)) {
      stream.held.delete(stream.next);
      this.stats.holding--;
      stream.next++;
      this.opts.release(item);
    }
  }

  private skipGap(streamId: string, stream: Stream<T>): void {
    let lowest = Infinity;
    for (const seq of stream.held.keys()) if (seq < lowest) lowest = seq;
    if (lowest === Infinity) return;
    this.stats.gapsSkipped++;
    this.opts.onGapSkipped?.(streamId, stream.next, lowest - 1);
    stream.next = lowest;
    this.releaseRun(stream);
    this.rearm(streamId, stream);
  }

  private arm(streamId: string, stream: Stream<T>): void {
    stream.timer = setTimeout(() => {
      stream.timer = null;
      this.skipGap(streamId, stream);
    }, this.opts.holdMs);
    stream.timer.unref();
  }

  /** A new gap (or none) after a release: its own full hold time. */
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
